import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createInterface } from 'node:readline';
import { runContainer } from './cleanup.js';
import { labDocker } from './engine.js';
import { pullImage } from './images.js';
import { uniqueName } from './names.js';
import { registryConfig, type RegistryOptions } from './registry-config.js';
import type { RegistryBackend } from './registry-process.js';
import { waitForRegistry } from './registry-ready.js';

const IMAGE = 'registry:2';

/**
 * Fallback for machines without the docker-registry binary: the official image, published on a
 * random loopback port. Limitation: a notification URL on 127.0.0.1 means the container itself,
 * so webhook tests need the binary.
 */
export async function startRegistryContainer(
  dir: string,
  options: RegistryOptions,
  onLine: (line: string) => void,
): Promise<RegistryBackend> {
  const docker = labDocker();
  const config = registryConfig(options, {
    addr: ':5000',
    rootDirectory: '/var/lib/registry',
    htpasswdPath: '/etc/docker/registry/htpasswd',
  });
  await writeFile(join(dir, 'config.yml'), JSON.stringify(config, null, 2));
  await docker
    .getImage(IMAGE)
    .inspect()
    .catch(() => pullImage(IMAGE));
  const container = await runContainer(uniqueName('registry'), IMAGE, {
    ExposedPorts: { '5000/tcp': {} },
    HostConfig: {
      Binds: [`${dir}:/etc/docker/registry:ro`],
      PortBindings: { '5000/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
    },
  });
  const stop = async (): Promise<void> => {
    await container.remove({ force: true, v: true });
  };
  try {
    const info = await container.inspect();
    const port = info.NetworkSettings.Ports['5000/tcp']?.[0]?.HostPort;
    if (port === undefined) throw new Error('registry container published no port');
    const logs = await container.logs({ follow: true, stdout: true, stderr: true });
    const stdout = new PassThrough();
    docker.modem.demuxStream(logs, stdout, new PassThrough().resume());
    createInterface({ input: stdout }).on('line', onLine);
    const host = `127.0.0.1:${port}`;
    await waitForRegistry(`http://${host}`, () => undefined);
    // Lines arrive through the log stream; flush() waits for them.
    return { host, drain: () => undefined, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
