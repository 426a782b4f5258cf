import pLimit from 'p-limit';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAndPush, runContainer, uniqueName } from '../lab/index.js';
import { useLab } from '../support/lab.js';
import { publishUpdate } from '../support/images.js';
import { runCli } from '../support/tidewatch.js';

describe('registry requests per cycle', () => {
  const lab = useLab();
  const scope = uniqueName('budget');
  const images: string[] = [];

  beforeAll(async () => {
    for (let index = 0; index < 3; index++) {
      const image = `${lab.registry.host}/${uniqueName(`budget${index}`)}:latest`;
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

  it('30 containers over 3 image references cost at most 3 manifest requests, counted at the registry', async () => {
    await lab.registry.flush();
    lab.registry.resetRequests();
    const result = await runCli(['check', '--json', '--scope', scope]);
    expect(result.code, result.stderr).toBe(0);
    const entries = JSON.parse(result.stdout) as Array<{ status: string }>;
    expect(entries).toHaveLength(30);
    expect(entries.every((entry) => entry.status === 'current')).toBe(true);
    await lab.registry.flush();
    expect(lab.registry.manifestRequests().length).toBeLessThanOrEqual(3);
    expect(lab.registry.manifestRequests().length).toBeGreaterThan(0);
  });

  it('when one reference moved, only a few more', async () => {
    await publishUpdate(images[0]!);
    await lab.registry.flush();
    lab.registry.resetRequests();
    const result = await runCli(['check', '--json', '--scope', scope]);
    const entries = JSON.parse(result.stdout) as Array<{ status: string }>;
    expect(entries.filter((entry) => entry.status === 'update-available')).toHaveLength(10);
    await lab.registry.flush();
    // 3 HEADs, plus one GET of the moved manifest to compare its config with the local image.
    expect(lab.registry.manifestRequests().length).toBeLessThanOrEqual(5);
  });
});
