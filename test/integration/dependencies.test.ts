import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore, storeFile } from '../../src/store/index.js';
import { buildAndPush, labDocker, runContainer, uniqueName } from '../lab/index.js';
import { useLab } from '../support/lab.js';
import { publishUpdate } from '../support/images.js';
import { expectExit, logLines, runCli } from '../support/tidewatch.js';

/** Each test uses its own scope, so it sees only its own containers on the shared engine. */
describe('dependencies between containers', () => {
  const docker = labDocker();
  const lab = useLab();

  async function image(prefix: string): Promise<string> {
    const ref = `${lab.registry.host}/${uniqueName(prefix)}:latest`;
    await buildAndPush(ref);
    return ref;
  }
  const inspect = (name: string) => docker.getContainer(name).inspect();
  const once = (scope: string, ...names: string[]) =>
    runCli(['once', '--stop-timeout', '1s', '--scope', scope, ...names]);

  it('a linked container is stopped before, and recreated after, its dependency is updated', async () => {
    const scope = uniqueName('links');
    const labels = { 'tidewatch.scope': scope };
    const [dbImage, webImage] = await Promise.all([image('db'), image('web')]);
    const db = uniqueName('db');
    const web = uniqueName('web');
    await runContainer(db, dbImage, { Labels: labels });
    await runContainer(web, webImage, { Labels: labels, HostConfig: { Links: [`${db}:database`] } });
    const webBefore = await inspect(web);
    await publishUpdate(dbImage);

    const result = await once(scope);
    expect(result.code, result.stderr).toBe(0);
    const webAfter = await inspect(web);
    // A legacy link is bound to the container, not its name: it is recreated to link the new one.
    expect(webAfter.Id).not.toBe(webBefore.Id);
    expect(webAfter.Image).toBe(webBefore.Image); // its own image did not move
    expect(webAfter.State.Running).toBe(true);
    expect(webAfter.HostConfig.Links).toEqual([`/${db}:/${web}/database`]);
    const messages = logLines(result.stderr).map((line) => `${String(line.msg)} ${String(line.container)}`);
    expect(messages.indexOf(`stopped a dependent ${web}`)).toBeLessThan(messages.indexOf(`updated ${db}`));
    expect(messages).toContain(`dependent recreated ${web}`);
  });

  it('a stopped container linked to an updated one stays stopped, and can still be started', async () => {
    const scope = uniqueName('stopped-link');
    const labels = { 'tidewatch.scope': scope };
    const [dbImage, webImage] = await Promise.all([image('db'), image('web')]);
    const db = uniqueName('db');
    const web = uniqueName('web');
    await runContainer(db, dbImage, { Labels: labels });
    await runContainer(web, webImage, { Labels: labels, HostConfig: { Links: [`${db}:database`] } });
    await docker.getContainer(web).stop({ t: 1 });
    const webBefore = await inspect(web);
    await publishUpdate(dbImage);

    const result = await once(scope);
    expect(result.code, result.stderr).toBe(0);
    const webAfter = await inspect(web);
    expect(webAfter.State.Running).toBe(false); // as the user left it
    expect(webAfter.Image).toBe(webBefore.Image);
    expect(webAfter.HostConfig.Links).toEqual([`/${db}:/${web}/database`]);
    // Its link follows the new db: it starts (a link to the removed original could not).
    await docker.getContainer(web).start();
    expect((await inspect(web)).State.Running).toBe(true);
  });

  it('a container that only depends on another by label is restarted, not recreated', async () => {
    const scope = uniqueName('restart');
    const labels = { 'tidewatch.scope': scope };
    const [apiImage, uiImage] = await Promise.all([image('api'), image('ui')]);
    const api = uniqueName('api');
    const ui = uniqueName('ui');
    await runContainer(api, apiImage, { Labels: labels });
    await runContainer(ui, uiImage, { Labels: { ...labels, 'tidewatch.depends-on': api } });
    const uiBefore = await inspect(ui);
    await publishUpdate(apiImage);

    const result = await once(scope);
    expect(result.code, result.stderr).toBe(0);
    const uiAfter = await inspect(ui);
    expect(uiAfter.Id).toBe(uiBefore.Id);
    expect(uiAfter.State.Running).toBe(true);
    expect(uiAfter.State.StartedAt).not.toBe(uiBefore.State.StartedAt);
  });

  it('a container in the updated one’s network namespace is recreated to join the new container', async () => {
    const scope = uniqueName('netns');
    const labels = { 'tidewatch.scope': scope };
    const [providerImage, clientImage] = await Promise.all([image('vpn'), image('client')]);
    const provider = uniqueName('vpn');
    const client = uniqueName('client');
    await runContainer(provider, providerImage, { Labels: labels });
    await runContainer(client, clientImage, {
      Labels: labels,
      HostConfig: { NetworkMode: `container:${provider}` },
    });
    const clientBefore = await inspect(client);
    await publishUpdate(providerImage);

    const result = await once(scope);
    expect(result.code, result.stderr).toBe(0);
    const providerAfter = await inspect(provider);
    const clientAfter = await inspect(client);
    expect(clientAfter.Id).not.toBe(clientBefore.Id);
    expect(clientAfter.State.Running).toBe(true);
    expect(clientAfter.HostConfig.NetworkMode).toBe(`container:${providerAfter.Id}`);
    expect(clientAfter.Image).toBe(clientBefore.Image); // same image: recreated, not updated
    // Same namespace: the client sees the provider's hostname.
    const exec = await docker.getContainer(client).exec({ Cmd: ['hostname'], AttachStdout: true });
    const output = await new Promise<string>((resolve) => {
      void exec.start({}).then((stream) => {
        let text = '';
        stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
        stream.on('end', () => resolve(text));
      });
    });
    expect(output).toContain(providerAfter.Config.Hostname);
    // Nothing of this test's is left under a parked name (other files run in parallel on this engine).
    const leftovers = (await docker.listContainers({ all: true }))
      .flatMap((row) => row.Names)
      .filter(
        (entry) => entry.includes('tidewatch-old') && (entry.includes(provider) || entry.includes(client)),
      );
    expect(leftovers).toEqual([]);
  });

  it('updates a dependency before its dependent, by the depends-on label', async () => {
    const scope = uniqueName('order');
    const shared = await image('shared');
    const base = uniqueName('base');
    const app = uniqueName('app');
    await runContainer(app, shared, {
      Labels: { 'tidewatch.scope': scope, 'com.centurylinklabs.watchtower.depends-on': base },
    });
    await runContainer(base, shared, { Labels: { 'tidewatch.scope': scope } });
    await publishUpdate(shared);

    const result = await once(scope);
    expect(result.code, result.stderr).toBe(0);
    const updated = logLines(result.stderr)
      .filter((line) => line.msg === 'updated')
      .map((line) => line.container);
    expect(updated).toEqual([base, app]);
  });

  it('a dependency cycle fails those containers and the rest of the run goes on', async () => {
    const scope = uniqueName('cycle');
    const shared = await image('cyc');
    const [x, y, z] = [uniqueName('x'), uniqueName('y'), uniqueName('z')];
    await runContainer(x, shared, { Labels: { 'tidewatch.scope': scope, 'tidewatch.depends-on': y } });
    await runContainer(y, shared, { Labels: { 'tidewatch.scope': scope, 'tidewatch.depends-on': x } });
    await runContainer(z, shared, { Labels: { 'tidewatch.scope': scope } });
    const before = await Promise.all([x, y, z].map(async (name) => (await inspect(name)).Id));
    await publishUpdate(shared);

    const dataDir = mkdtempSync(join(tmpdir(), 'tw-cycle-'));
    try {
      const result = await runCli(['once', '--stop-timeout', '1s', '--scope', scope], {
        TIDEWATCH_DATA_DIR: dataDir,
      });
      expectExit(result, 1);
      const after = await Promise.all([x, y, z].map(async (name) => (await inspect(name)).Id));
      expect(after[0]).toBe(before[0]);
      expect(after[1]).toBe(before[1]);
      expect(after[2]).not.toBe(before[2]);
      const lines = logLines(result.stderr);
      expect(lines.filter((line) => line.msg === 'done')).toEqual([
        expect.objectContaining({ updated: 1, failed: 2 }),
      ]);
      // The reason is in the log and in the history, naming the cycle, for each container on it.
      for (const name of [x, y]) {
        const logged = lines.find((line) => line.msg === 'update failed' && line.container === name);
        expect(String(logged?.reason)).toMatch(/^dependency cycle: .* → .*/);
        const store = openStore(storeFile(dataDir), { clock: Date.now });
        try {
          const [row] = store.history.list({ container: name, limit: 5 }).items;
          expect(row?.state).toBe('failed');
          expect(row?.reason).toContain('dependency cycle');
          expect(row?.reason).toContain(x);
          expect(row?.reason).toContain(y);
        } finally {
          store.close();
        }
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
