import pLimit from 'p-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertEngine,
  buildAndPush,
  cleanupLab,
  runContainer,
  startRegistry,
  uniqueName,
  type LabRegistry,
} from '../lab/index.js';
import { publishUpdate } from '../support/images.js';
import { runCli } from '../support/tidewatch.js';

describe('registry requests per cycle', () => {
  let registry: LabRegistry;
  const scope = uniqueName('budget');
  const images: string[] = [];

  beforeAll(async () => {
    await assertEngine();
    registry = await startRegistry();
    for (let index = 0; index < 3; index++) {
      const image = `${registry.host}/${uniqueName(`budget${index}`)}:latest`;
      await buildAndPush(image);
      images.push(image);
    }
    const limit = pLimit(6);
    await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        limit(() =>
          runContainer(uniqueName(`budget-${index}`), images[index % 3]!, {
            Labels: { 'tidewatch.scope': scope },
          }),
        ),
      ),
    );
  });

  afterAll(async () => {
    await cleanupLab();
    await registry?.stop();
  });

  it('30 containers over 3 image references cost at most 3 manifest requests, counted at the registry', async () => {
    await registry.flush();
    registry.resetRequests();
    const result = await runCli(['check', '--json', '--scope', scope]);
    expect(result.code, result.stderr).toBe(0);
    const entries = JSON.parse(result.stdout) as Array<{ status: string }>;
    expect(entries).toHaveLength(30);
    expect(entries.every((entry) => entry.status === 'current')).toBe(true);
    await registry.flush();
    expect(registry.manifestRequests().length).toBeLessThanOrEqual(3);
    expect(registry.manifestRequests().length).toBeGreaterThan(0);
  });

  it('when one reference moved, only a few more', async () => {
    await publishUpdate(images[0]!);
    await registry.flush();
    registry.resetRequests();
    const result = await runCli(['check', '--json', '--scope', scope]);
    const entries = JSON.parse(result.stdout) as Array<{ status: string }>;
    expect(entries.filter((entry) => entry.status === 'update-available')).toHaveLength(10);
    await registry.flush();
    // 3 HEADs, plus one GET of the moved manifest to compare its config with the local image.
    expect(registry.manifestRequests().length).toBeLessThanOrEqual(5);
  });
});
