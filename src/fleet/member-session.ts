import { repoDigestOf, type ImageRef, type LocalImage } from '../domain/index.js';
import { describeRef, type RegistrySession, type Resolution } from '../registry/index.js';
import type { FleetTarget } from './protocol.js';

const NOT_ASKED = 'a fleet member does not ask registries: its controller decides its digests';

/**
 * A member's registry, as its cycles see it: what the controller last instructed. A reference with
 * a target is `update-available` until the image the container runs carries the target's digest;
 * every other one is `current`. No request leaves the member (the controller asked the registry
 * once for the whole fleet); the pull of an instructed digest is the engine's, by digest.
 */
export class FleetTargets {
  private targets = new Map<string, FleetTarget>();

  set(targets: readonly FleetTarget[]): void {
    this.targets = new Map(targets.map((target) => [target.ref, target]));
  }

  refs(): string[] {
    return [...this.targets.keys()];
  }

  /** The `registry` a member's cycles use in place of the registry client. */
  readonly source = { session: (): RegistrySession => this.session() };

  private session(): RegistrySession {
    return {
      resolve: (ref: ImageRef, local: LocalImage): Promise<Resolution> => {
        const target = this.targets.get(describeRef(ref));
        const running = local.repoDigests.map((entry) => repoDigestOf(ref, entry)).find((d) => d);
        if (target === undefined)
          return Promise.resolve({ kind: 'current', remoteDigest: running ?? local.id });
        const on =
          local.id === target.digest || local.repoDigests.some((e) => repoDigestOf(ref, e) === target.digest);
        return Promise.resolve({ kind: on ? 'current' : 'update-available', remoteDigest: target.digest });
      },
      tagDigest: () => Promise.resolve({ kind: 'error', code: 'registry-unavailable', message: NOT_ASKED }),
      listTags: () => Promise.resolve({ kind: 'error', code: 'registry-unavailable', message: NOT_ASKED }),
      imageCreated: () =>
        Promise.resolve({ kind: 'error', code: 'registry-unavailable', message: NOT_ASKED }),
      // A member that requires signatures refuses: it does not ask registries (docs/security.md).
      signatureDigest: () =>
        Promise.resolve({ kind: 'error', code: 'registry-unavailable', message: NOT_ASKED }),
      cosignSignatures: () =>
        Promise.resolve({ kind: 'error', code: 'registry-unavailable', message: NOT_ASKED }),
      sigstoreReferrers: () =>
        Promise.resolve({ kind: 'error', code: 'registry-unavailable', message: NOT_ASKED }),
      sigstoreBundle: () =>
        Promise.resolve({ kind: 'error', code: 'registry-unavailable', message: NOT_ASKED }),
    };
  }
}
