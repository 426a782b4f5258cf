import { z } from 'zod';
import { familiarName, type ImageRef } from '../domain/index.js';
import { parseWwwAuthenticate, selectAuth } from './auth-challenge.js';
import type { Endpoints } from './endpoints.js';
import { RegistryFailure, statusFailure } from './failure.js';
import { MANIFEST_ACCEPT, sha256Digest } from './manifest-schemas.js';
import type { CredentialStore } from './types.js';

export interface CopyDeps {
  readonly endpoints: Endpoints;
  readonly credentials: CredentialStore;
  readonly fetch?: typeof fetch;
}

const Descriptor = z.object({ digest: z.string(), mediaType: z.string().optional() });
const CopiedManifest = z.object({
  manifests: z.array(Descriptor).optional(),
  config: Descriptor.optional(),
  layers: z.array(Descriptor).optional(),
  blobs: z.array(Descriptor).optional(),
});

/**
 * Copies the image `from@digest` to `to` (a tag) through the OCI distribution API: every blob the
 * target lacks (mounted across repositories of the same registry, else streamed from the source),
 * every manifest of an index whole, then the top manifest under `to`'s tag, byte for byte, so `to`
 * names exactly `digest`. Push credentials come from the same chain as pulls.
 */
export async function copyImage(
  deps: CopyDeps,
  from: ImageRef,
  digest: string,
  to: ImageRef,
  signal: AbortSignal,
): Promise<void> {
  const client = new CopyClient(deps, signal);
  await client.copyManifest(from, digest, to, to.tag ?? 'latest');
}

class CopyClient {
  private readonly tokens = new Map<string, string>();
  private readonly fetch: typeof fetch;

  constructor(
    private readonly deps: CopyDeps,
    private readonly signal: AbortSignal,
  ) {
    this.fetch = deps.fetch ?? fetch;
  }

  async copyManifest(from: ImageRef, digest: string, to: ImageRef, reference: string): Promise<void> {
    const what = `${familiarName(from)}@${digest}`;
    const got = await this.send(from, 'pull', `/manifests/${digest}`, {
      headers: { accept: MANIFEST_ACCEPT },
    });
    if (got.status !== 200) throw statusFailure(got.status, `${what} manifest`);
    const body = Buffer.from(await got.arrayBuffer());
    if (sha256Digest(body) !== digest) {
      throw new RegistryFailure('registry-bad-response', `${what}: manifest does not match its digest`);
    }
    const contentType = got.headers.get('content-type') ?? 'application/vnd.oci.image.manifest.v1+json';
    const manifest = CopiedManifest.parse(JSON.parse(body.toString('utf8')));
    for (const child of manifest.manifests ?? [])
      await this.copyManifest(from, child.digest, to, child.digest);
    const blobs = [manifest.config, ...(manifest.layers ?? []), ...(manifest.blobs ?? [])];
    for (const blob of blobs) if (blob) await this.copyBlob(from, to, blob.digest);
    const put = await this.send(to, 'push', `/manifests/${reference}`, {
      method: 'PUT',
      headers: { 'content-type': contentType },
      body,
    });
    if (put.status !== 201 && put.status !== 200) {
      throw statusFailure(put.status, `${familiarName(to)}:${reference} manifest upload`);
    }
  }

  private async copyBlob(from: ImageRef, to: ImageRef, digest: string): Promise<void> {
    const what = `${familiarName(to)} blob ${digest}`;
    const head = await this.send(to, 'push', `/blobs/${digest}`, { method: 'HEAD' });
    if (head.status === 200) return;
    let uploadPath = '/blobs/uploads/';
    if (from.registry === to.registry) uploadPath += `?mount=${digest}&from=${from.repository}`;
    const started = await this.send(to, 'push', uploadPath, { method: 'POST' });
    if (started.status === 201) return; // mounted
    if (started.status !== 202) throw statusFailure(started.status, `${what} upload`);
    const location = started.headers.get('location');
    if (!location) throw new RegistryFailure('registry-bad-response', `${what}: upload has no Location`);
    const source = await this.send(from, 'pull', `/blobs/${digest}`, {});
    if (source.status !== 200 || !source.body)
      throw statusFailure(source.status, `${familiarName(from)} blob ${digest}`);
    const url = new URL(location, this.base(to));
    url.searchParams.set('digest', digest);
    const length = source.headers.get('content-length');
    // A streamed body needs `duplex: 'half'` (Node's fetch; not in every RequestInit typing).
    const upload: RequestInit & { duplex: 'half' } = {
      method: 'PUT',
      headers: {
        'content-type': 'application/octet-stream',
        ...(length ? { 'content-length': length } : {}),
      },
      body: source.body,
      duplex: 'half',
    };
    const put = await this.send(to, 'push', url, upload);
    if (put.status !== 201) throw statusFailure(put.status, `${what} upload`);
  }

  private base(ref: ImageRef): string {
    return `${this.deps.endpoints.baseUrl(ref.registry)}/v2/${ref.repository}`;
  }

  /** One request, answering the registry's Basic or Bearer challenge once. */
  private async send(
    ref: ImageRef,
    access: 'pull' | 'push',
    path: string | URL,
    init: RequestInit,
  ): Promise<Response> {
    const url = typeof path === 'string' ? `${this.base(ref)}${path}` : path.toString();
    const scope = `repository:${ref.repository}:${access === 'push' ? 'pull,push' : 'pull'}`;
    const key = `${ref.registry} ${scope}`;
    const attempt = (authorization: string | undefined): Promise<Response> =>
      this.fetch(url, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), ...(authorization ? { authorization } : {}) },
        signal: this.signal,
      });
    const known = this.tokens.get(key);
    const first = await attempt(known);
    // A streamed body cannot be sent twice: its request must have its authorization already.
    if (first.status !== 401 || init.body instanceof ReadableStream) return first;
    await first.arrayBuffer().catch(() => undefined);
    const authorization = await this.authorise(ref, scope, first.headers.get('www-authenticate') ?? '');
    this.tokens.set(key, authorization);
    return attempt(authorization);
  }

  private async authorise(ref: ImageRef, scope: string, header: string): Promise<string> {
    const auth = selectAuth(parseWwwAuthenticate(header));
    const what = `${ref.registry}/${ref.repository}`;
    const login = await this.deps.credentials.get(ref.registry, this.signal);
    const basic =
      login?.username !== undefined && login.password !== undefined
        ? `Basic ${Buffer.from(`${login.username}:${login.password}`).toString('base64')}`
        : undefined;
    if (auth?.scheme === 'basic' && basic) return basic;
    if (auth?.scheme !== 'bearer')
      throw new RegistryFailure('registry-unauthorized', `${what}: access refused`);
    const realm = new URL(auth.realm);
    if (auth.service) realm.searchParams.set('service', auth.service);
    realm.searchParams.set('scope', scope);
    if (basic && !this.deps.endpoints.mayCarryCredentials(realm)) {
      throw new RegistryFailure(
        'registry-unauthorized',
        `${what}: refusing to send credentials over plain http`,
      );
    }
    const response = await this.fetch(realm, {
      headers: basic ? { authorization: basic } : {},
      signal: this.signal,
    });
    if (response.status !== 200) throw statusFailure(response.status, `${what}: token`);
    const body = z
      .object({ token: z.string().optional(), access_token: z.string().optional() })
      .parse(await response.json());
    return `Bearer ${body.token ?? body.access_token ?? ''}`;
  }
}
