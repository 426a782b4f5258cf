import { describe, expect, it } from 'vitest';
import { buildAndPush, labDocker, runContainer, uniqueName } from '../lab/index.js';
import { labIsPodman } from '../lab/lab-engine.js';
import { useLab } from '../support/lab.js';

// What can exist on one engine and not the other (docs/podman.md), asserted for the engine the lab
// runs on: the fault suite's group scenarios hold a legacy link, so on Podman they are not run,
// because Podman refuses to create such a container at all; this file keeps that claim checked.
describe('legacy links on the lab engine', () => {
  const lab = useLab();

  it(
    labIsPodman() ? 'Podman refuses --link at create' : 'Docker creates a container with --link',
    async () => {
      const image = `${lab.registry.host}/${uniqueName('links')}:1`;
      await buildAndPush(image);
      const target = uniqueName('link-target');
      await runContainer(target, image);
      const create = runContainer(uniqueName('linked'), image, {
        HostConfig: { NetworkMode: 'bridge', Links: [`${target}:db`] },
      });
      if (labIsPodman()) {
        await expect(create).rejects.toThrow('link is not supported');
      } else {
        const linked = await create;
        const info = await labDocker().getContainer(linked.id).inspect();
        expect(info.HostConfig.Links).toEqual([`/${target}:/${info.Name.slice(1)}/db`]);
      }
    },
  );
});
