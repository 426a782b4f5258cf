import { describe, expect, it, beforeAll } from 'vitest';
import { buildAndPush, runContainer, uniqueName } from '../lab/index.js';
import { useLab } from '../support/lab.js';
import { publishUpdate } from '../support/images.js';
import { expectExit, runCli } from '../support/tidewatch.js';

const SOURCE = 'https://github.com/acme/release-app';

/** OCI labels as a CI build writes them: where the code is, which release, which commit. */
function ociLabels(version: string, revision: string): Record<string, string> {
  return {
    'org.opencontainers.image.source': `git+${SOURCE}.git`,
    'org.opencontainers.image.version': version,
    'org.opencontainers.image.revision': revision,
    'org.opencontainers.image.documentation': 'https://docs.example.com/release-app',
  };
}

describe('release links from the images’ OCI labels', () => {
  const lab = useLab();
  const name = uniqueName('relnotes');
  const plain = uniqueName('relnotes-plain');
  let image: string;
  let plainImage: string;

  beforeAll(async () => {
    image = `${lab.registry.host}/${uniqueName('relnotes-app')}:latest`;
    plainImage = `${lab.registry.host}/${uniqueName('relnotes-plain')}:latest`;
    await buildAndPush(image, { labels: ociLabels('v1.0.0', 'aaaa1111') });
    await runContainer(name, image, { Cmd: ['sleep', '3600'] });
    await publishUpdate(image, { labels: ociLabels('v1.1.0', 'bbbb2222') });
    // No OCI labels: no links, and no look-up of the new image's config.
    await buildAndPush(plainImage);
    await runContainer(plain, plainImage, { Cmd: ['sleep', '3600'] });
    await publishUpdate(plainImage);
  });

  it('check --json shows the release page and the compare view from the running revision to the new one', async () => {
    await lab.registry.flush();
    lab.registry.resetRequests();
    const result = await runCli(['check', '--json', name, plain]);
    expectExit(result);
    const entries = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    const linked = entries.find((entry) => entry.name === name);
    expect(linked).toMatchObject({ status: 'update-available' });
    expect(linked?.releaseLinks).toEqual({
      source: SOURCE,
      release: `${SOURCE}/releases/tag/v1.1.0`,
      compare: `${SOURCE}/compare/aaaa1111...bbbb2222`,
      documentation: 'https://docs.example.com/release-app',
    });
    const unlabelled = entries.find((entry) => entry.name === plain);
    expect(unlabelled).toMatchObject({ status: 'update-available', releaseLinks: null });

    // The new image's labels cost one config-blob GET; an image without OCI labels costs none.
    await lab.registry.flush();
    const blobGets = (ref: string): number => {
      const repo = ref.slice(ref.indexOf('/') + 1, ref.lastIndexOf(':'));
      return lab.registry
        .requests()
        .filter((r) => r.method === 'GET' && r.path.startsWith(`/v2/${repo}/blobs/`)).length;
    };
    expect(blobGets(image)).toBe(1);
    expect(blobGets(plainImage)).toBe(0);
  });
});
