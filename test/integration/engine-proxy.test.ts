import Docker from 'dockerode';
import { Agent } from 'node:http';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  buildAndPush,
  buildImage,
  labDocker,
  labLabels,
  runContainer,
  startEngineProxy,
  uniqueName,
  type EngineProxy,
} from '../lab/index.js';
import { followProgress } from '../lab/progress.js';
import { eventually } from '../support/images.js';
import { useLab } from '../support/lab.js';

/** Exits at once on SIGTERM, so removals and stops take no time. */
const QUICK_CMD = ['sh', '-c', "trap 'exit 0' TERM; while true; do sleep 0.2; done"];

describe('engine proxy (test/lab/engine-proxy.ts)', () => {
  const docker = labDocker();
  const lab = useLab();
  let proxy: EngineProxy;
  let proxied: Docker;
  let image: string;

  beforeAll(async () => {
    proxy = await startEngineProxy();
    proxied = new Docker({ socketPath: proxy.socketPath });
    image = `${uniqueName('proxy-img')}:1`;
    await buildImage(image, { cmd: QUICK_CMD });
  });
  afterAll(async () => {
    await proxy?.stop();
  });
  afterEach(() => {
    proxy.restore();
    proxy.reset();
  });

  const exists = async (name: string): Promise<boolean> => {
    try {
      await docker.getContainer(name).inspect();
      return true;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return false;
      throw error;
    }
  };
  const create = (name: string): Promise<Docker.Container> =>
    proxied.createContainer({ name, Image: image, Labels: labLabels() });

  it('passes requests through, logging each mutating one without its version prefix', async () => {
    const name = uniqueName('proxy-pass');
    await expect(proxied.ping()).resolves.toBeTruthy();
    const container = await create(name);
    await container.start();
    expect((await proxied.getContainer(name).inspect()).State.Running).toBe(true);
    await container.remove({ force: true });
    // dockerode sends the create's options in the query string too: only its start is compared.
    const seen = proxy.mutating().map(({ method, path, cut }) => `${method} ${path.split('&')[0]} ${cut}`);
    expect(seen).toEqual([
      `POST /containers/create?name=${name} false`,
      `POST /containers/${container.id}/start false`,
      `DELETE /containers/${container.id}?force=true false`,
    ]);
  });

  it("cut 'before' a create: it never reaches the engine, the client fails, and so does all that follows", async () => {
    const name = uniqueName('proxy-before');
    proxy.cutAt(1, 'before');
    await expect(create(name)).rejects.toThrow();
    expect(await exists(name)).toBe(false);
    // The outage: reads fail too, promptly, until restore().
    const started = Date.now();
    await expect(proxied.ping()).rejects.toThrow();
    await expect(proxied.listContainers()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(proxy.mutating()).toEqual([expect.objectContaining({ method: 'POST', cut: true })]);
    proxy.restore();
    await expect(proxied.ping()).resolves.toBeTruthy();
    expect(await exists(name)).toBe(false);
  });

  it("cut 'after' a create: the engine created it, the client never learns", async () => {
    const name = uniqueName('proxy-after');
    const first = uniqueName('proxy-first');
    await create(first); // request 1 passes
    proxy.cutAt(2, 'after');
    await expect(create(name)).rejects.toThrow();
    const made = await docker.getContainer(name).inspect();
    expect(made.Name).toBe(`/${name}`);
    await expect(proxied.getContainer(name).start()).rejects.toThrow();
    expect((await docker.getContainer(name).inspect()).State.Running).toBe(false);
    expect(proxy.mutating().map(({ method, cut }) => [method, cut])).toEqual([
      ['POST', false],
      ['POST', true],
      ['POST', true], // the start, in the outage
    ]);
    proxy.restore();
    await proxied.getContainer(name).start();
    expect((await docker.getContainer(name).inspect()).State.Running).toBe(true);
  });

  it('a keep-alive client is not left hanging when the engine goes down', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    // docker-modem passes `agent` on to http.request; @types/dockerode does not list it.
    const agentful = new Docker({ socketPath: proxy.socketPath, agent } as Docker.DockerOptions);
    await agentful.ping();
    await agentful.ping(); // a kept-alive socket now idles in the proxy
    proxy.cutAt(1, 'before');
    await expect(create(uniqueName('proxy-keepalive'))).rejects.toThrow(); // another client's, cut
    const started = Date.now();
    await expect(agentful.listContainers()).rejects.toThrow();
    await expect(agentful.ping()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2_000);
    agent.destroy();
  });

  it("streams a pull's progress as the engine sends it, and counts the pull as mutating", async () => {
    const ref = `${lab.registry.host}/${uniqueName('proxy-pull')}:1`;
    const { imageId } = await buildAndPush(ref, { cmd: QUICK_CMD });
    await docker.getImage(ref).remove({ force: true });
    const events = await followProgress(await proxied.pull(ref), `pulling ${ref}`);
    const statuses = events.map((event) => event.status ?? '');
    expect(statuses.length).toBeGreaterThan(2);
    expect(statuses.some((status) => status.startsWith('Pulling from'))).toBe(true);
    expect(statuses.some((status) => status.includes('Digest: sha256:'))).toBe(true);
    expect((await docker.getImage(ref).inspect()).Id).toBe(imageId);
    expect(proxy.mutating().map(({ method, path }) => `${method} ${path.split('?')[0]}`)).toEqual([
      'POST /images/create',
    ]);
  });

  it("cut 'after' a pull: the engine still completes it, the client never learns", async () => {
    const ref = `${lab.registry.host}/${uniqueName('proxy-pull-cut')}:1`;
    const { imageId } = await buildAndPush(ref, { cmd: QUICK_CMD });
    await docker.getImage(ref).remove({ force: true });
    proxy.cutAt(1, 'after');
    await expect(proxied.pull(ref).then((stream) => followProgress(stream, ref))).rejects.toThrow();
    const present = await eventually(
      () =>
        docker
          .getImage(ref)
          .inspect()
          .then(
            (image) => image.Id,
            () => undefined,
          ),
      (id) => id !== undefined,
    );
    expect(present).toBe(imageId);
  });

  it('streams the events as they happen, not at the end', async () => {
    const name = uniqueName('proxy-events');
    const stream = (await proxied.getEvents({
      filters: JSON.stringify({ container: [name], event: ['create'] }),
    })) as NodeJS.ReadableStream & { destroy(): void };
    try {
      const seen = new Promise<string>((resolve) => {
        stream.on('data', (chunk: Buffer) => resolve(chunk.toString()));
      });
      await docker.createContainer({ name, Image: image, Labels: labLabels() });
      const event = JSON.parse(await seen) as { Action: string; Actor: { Attributes: { name: string } } };
      expect(event.Action).toBe('create');
      expect(event.Actor.Attributes.name).toBe(name);
    } finally {
      stream.destroy();
    }
  });

  it("passes an exec's hijacked connection through byte for byte", async () => {
    const name = uniqueName('proxy-exec');
    await runContainer(name, image);
    const exec = await proxied.getContainer(name).exec({
      Cmd: ['sh', '-c', 'echo hello-from-exec; echo oops >&2'],
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = await exec.start({ hijack: true, stdin: false });
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    proxied.modem.demuxStream(stream, stdout, stderr);
    await new Promise<void>((resolve, reject) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', reject);
    });
    expect(out).toBe('hello-from-exec\n');
    expect(err).toBe('oops\n');
    expect((await exec.inspect()).ExitCode).toBe(0);
    // The exec's create and its (upgraded) start are both POSTs.
    expect(
      proxy.mutating().map(({ path }) => path.replace(/[0-9a-f]{64}/g, 'ID').replace(name, 'NAME')),
    ).toEqual(['/containers/NAME/exec', '/exec/ID/start']);
  });

  it('failMatching answers 500 with a Docker-style error to the next matching requests only', async () => {
    const name = uniqueName('proxy-fail');
    await runContainer(name, image);
    proxy.failMatching(/^GET \/containers\/[^/]+\/json/, 2);
    for (let i = 0; i < 2; i += 1) {
      const error = await proxied
        .getContainer(name)
        .inspect()
        .then(
          () => undefined,
          (e: unknown) => e as { statusCode?: number; json?: { message?: string } },
        );
      expect(error?.statusCode).toBe(500);
      expect(error?.json?.message).toMatch(/injected fault/);
    }
    await expect(proxied.ping()).resolves.toBeTruthy(); // other requests pass
    expect((await proxied.getContainer(name).inspect()).Name).toBe(`/${name}`);
  });
});
