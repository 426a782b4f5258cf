import { beforeAll, describe, expect, it } from 'vitest';
import {
  attestationDescriptor,
  buildAndPush,
  labDocker,
  manifestDescriptor,
  pullImage,
  pushForeignManifest,
  putIndex,
  runContainer,
  uniqueName,
  type Descriptor,
} from '../lab/index.js';
import { useLab } from '../support/lab.js';
import { runCli } from '../support/tidewatch.js';

/**
 * A multi-platform image built in the test: the engine's own platform pushed through the engine,
 * a foreign platform (s390x) pushed through the registry API, and an OCI index over both plus an
 * attestation entry. The container runs the index's tag.
 */
describe('multi-platform images', () => {
  const docker = labDocker();
  const lab = useLab();
  let repo: string;
  let image: string;
  let own: Descriptor;
  let ownPlatform: { os: string; architecture: string };
  const name = uniqueName('multi');
  const foreign = { os: 'linux', architecture: 's390x' };

  /** Pushes an index over our entry and a fresh foreign one as `repo:latest`. */
  async function publishIndex(ownEntry: Descriptor): Promise<string> {
    const other = await pushForeignManifest(lab.registry, repo, foreign);
    const attestation = await attestationDescriptor(lab.registry, repo, ownEntry);
    return putIndex(lab.registry, repo, 'latest', [ownEntry, other, attestation]);
  }

  /** Builds a new image of our platform, pushes it under its own tag, and returns its descriptor. */
  async function pushOwn(marker: string): Promise<Descriptor> {
    const tag = `${lab.registry.host}/${repo}:own-${marker}`;
    await buildAndPush(tag, { marker });
    await docker.getImage(tag).remove({ force: true });
    return manifestDescriptor(lab.registry, repo, `own-${marker}`, ownPlatform);
  }

  const status = async (): Promise<{ status: string; reason: string | null }> => {
    const result = await runCli(['check', '--json', name]);
    const [entry] = JSON.parse(result.stdout) as Array<{ status: string; reason: string | null }>;
    if (!entry) throw new Error(`check printed nothing: ${result.stderr}`);
    return entry;
  };

  beforeAll(async () => {
    repo = uniqueName('multi');
    image = `${lab.registry.host}/${repo}:latest`;
    const version = await docker.version();
    ownPlatform = { os: version.Os, architecture: version.Arch };
    own = await pushOwn('one');
    await publishIndex(own);
    await pullImage(image);
    await runContainer(name, image);
  });

  it('is current when only another platform changed', async () => {
    const before = await status();
    expect(before.status).toBe('current');
    await publishIndex(own); // new index digest: a new s390x entry, ours unchanged
    expect(await status()).toMatchObject({ status: 'current', reason: null });
  });

  it('is updated when our own platform entry changed', async () => {
    const ownTwo = await pushOwn('two');
    const indexDigest = await publishIndex(ownTwo);
    expect((await status()).status).toBe('update-available');

    const oldId = (await docker.getContainer(name).inspect()).Id;
    const result = await runCli(['once', '--stop-timeout', '1s', name]);
    expect(result.code, result.stderr).toBe(0);
    const now = await docker.getContainer(name).inspect();
    expect(now.Id).not.toBe(oldId);
    const newImage = await docker.getImage(now.Image).inspect();
    // The engine pulled the index by digest and picked our platform's entry from it.
    expect(newImage.RepoDigests).toContain(`${lab.registry.host}/${repo}@${indexDigest}`);
    expect(newImage.Architecture).toBe(ownPlatform.architecture);
    expect((await status()).status).toBe('current');
  });
});
