import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAndPush, runContainer, uniqueName, type BuildOptions } from '../lab/index.js';
import { startDaemon } from '../support/daemon.js';
import { eventually, publishUpdate } from '../support/images.js';
import { useLab } from '../support/lab.js';
import { startHttpReceiver, type HttpReceiver } from '../support/receivers.js';
import { expectExit, logLines, runCli } from '../support/tidewatch.js';

/**
 * Notifications of real updates on the lab (engine + registry), through the built CLI, to a local
 * generic receiver: what `once` and `run` say, that nothing is repeated, and that a message queued
 * while the receiver was down reaches it exactly once after a restart.
 */
interface Message {
  readonly title?: string;
  readonly message: string;
  readonly event: string;
  readonly level: string;
  readonly host: string;
  readonly containers: Array<Record<string, unknown>>;
}

describe('notifications of real updates', () => {
  const lab = useLab();
  let receiver: HttpReceiver;
  const dirs: string[] = [];
  const dataDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'tidewatch-notify-'));
    dirs.push(dir);
    return dir;
  };
  beforeAll(async () => {
    receiver = await startHttpReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /** A running container whose tag then moves to an image built with `next`. */
  async function moving(next: BuildOptions = {}, labels: Record<string, string> = {}) {
    const image = `${lab.registry.host}/${uniqueName('notify')}:latest`;
    await buildAndPush(image);
    const name = uniqueName('notify');
    await runContainer(name, image, { Labels: labels });
    const { digest } = await publishUpdate(image, next);
    return { name, image, digest };
  }

  /** The messages the receiver got at /PATH. */
  const messagesAt = (path: string): Message[] =>
    receiver.requests.filter((request) => request.path === path).map((request) => request.json as Message);

  /** Settings every run of a test shares: its own receiver path and data dir. */
  const env = (path: string, dir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    TIDEWATCH_DATA_DIR: dir,
    TIDEWATCH_NOTIFICATION_URL: `generic+http://127.0.0.1:${receiver.port}${path}`,
    TIDEWATCH_NOTIFICATIONS_HOSTNAME: 'lab-host',
    TIDEWATCH_STOP_TIMEOUT: '1s',
    ...extra,
  });

  it('once: an update is said as "updated" before once exits; the next once says nothing new', async () => {
    const { name, image, digest } = await moving();
    const path = `/${uniqueName('updated')}`;
    const dir = dataDir();
    const first = await runCli(['once', name], env(path, dir));
    expect(first.code, first.stderr).toBe(0);
    const [message, ...more] = messagesAt(path);
    expect(more).toEqual([]);
    expect(message).toMatchObject({
      title: 'Tidewatch updates on lab-host',
      event: 'updated',
      level: 'info',
      host: 'lab-host',
      containers: [{ container: name, image, toDigest: digest, installed: digest.slice(7, 19) }],
    });
    expect(message?.message).toBe(
      `${name} (${image}): updated ${String(message?.containers[0]?.fromShort)} → ${digest.slice(7, 19)}`,
    );
    expect(logLines(first.stderr).map((line) => line.msg)).toContain('notification delivered');

    const second = await runCli(['once', name], env(path, dir));
    expect(second.code, second.stderr).toBe(0);
    expect(messagesAt(path)).toHaveLength(1);
  });

  it('once: an image whose process exits at once is rolled back, and the message says why, with its logs', async () => {
    const { name, digest } = await moving({ cmd: ['sh', '-c', 'echo starting; echo boom >&2; exit 3'] });
    const path = `/${uniqueName('rollback')}`;
    const result = await runCli(['once', name], env(path, dataDir(), { TIDEWATCH_VERIFY_WINDOW: '2s' }));
    expectExit(result, 1);
    const [message] = messagesAt(path);
    expect(message).toMatchObject({ event: 'rolled-back', level: 'warn' });
    expect(message?.message).toContain(`the update to ${digest.slice(7, 19)} was rolled back`);
    expect(message?.message).toContain('exited with code 3');
    expect(message?.message).toMatch(/Last log lines of the new container:\n(.*\n)*.*boom/);
    expect(message?.containers[0]).toMatchObject({ container: name });
    expect(String(message?.containers[0]?.logs)).toContain('boom');
  });

  it('monitor-only: an available update is said once, not at every check', async () => {
    const { name, digest } = await moving();
    const path = `/${uniqueName('available')}`;
    const dir = dataDir();
    for (let run = 0; run < 2; run += 1) {
      const result = await runCli(['once', '--monitor-only', name], env(path, dir));
      expect(result.code, result.stderr).toBe(0);
    }
    expect(messagesAt(path).map((message) => [message.event, message.containers[0]?.toDigest])).toEqual([
      ['update-available', digest],
    ]);
  });

  it('a pre-update hook that says skip (exit 75) is said as skipped, once', async () => {
    const { name } = await moving({}, { 'tidewatch.lifecycle.pre-update': 'exit 75' });
    const path = `/${uniqueName('skipped')}`;
    const dir = dataDir();
    for (let run = 0; run < 2; run += 1) {
      await runCli(['once', '--enable-lifecycle-hooks', name], env(path, dir));
    }
    const messages = messagesAt(path);
    expect(messages.map((message) => message.event)).toEqual(['skipped']);
    expect(messages[0]?.message).toContain('exit 75');
  });

  it('report mode: one message for the run, as Watchtower’s session report', async () => {
    const { name } = await moving();
    const path = `/${uniqueName('report')}`;
    const result = await runCli(
      ['once', name],
      env(path, dataDir(), { WATCHTOWER_NOTIFICATION_REPORT: 'true' }),
    );
    expect(result.code, result.stderr).toBe(0);
    const messages = messagesAt(path);
    expect(messages.map((message) => message.event)).toEqual(['report']);
    expect(messages[0]?.message.split('\n')[0]).toBe('1 scanned, 1 updated, 0 failed');
    expect(messages[0]?.message).toContain(`- ${name} (`);
  });

  it('a receiver that is down across a restart still gets the message, exactly once', async () => {
    const scope = uniqueName('notify-scope');
    const { name } = await moving({}, { 'tidewatch.scope': scope });
    const down = await startHttpReceiver();
    const dir = dataDir();
    const settings = {
      TIDEWATCH_DATA_DIR: dir,
      TIDEWATCH_NOTIFICATION_URL: `generic+http://127.0.0.1:${down.port}/hook`,
      TIDEWATCH_STOP_TIMEOUT: '1s',
      TIDEWATCH_SCOPE: scope,
    };
    try {
      await down.down();
      // once updates, cannot deliver within its drain, and leaves the message in the outbox.
      const first = await runCli(['once', '--notification-drain', '2s'], settings);
      expect(first.code, first.stderr).toBe(0);
      const messages = logLines(first.stderr).map((line) => line.msg);
      expect(messages).toContain('updated');
      expect(messages).toContain('notification not delivered; will retry');
      expect(messages).toContain('notifications not delivered yet stay queued for the next start');

      // The receiver comes back; the next start (a daemon, this time) delivers what was queued.
      await down.up();
      const daemon = await startDaemon([], settings);
      try {
        await down.waitFor(1, 20_000);
        await eventually(daemon.stderr, (text) => text.includes('check finished'), 20_000);
      } finally {
        expect(await daemon.stop()).toBe(0);
      }
      // And a third start has nothing left to send.
      const third = await runCli(['once'], settings);
      expect(third.code, third.stderr).toBe(0);
      expect(down.requests.map((request) => (request.json as Message).event)).toEqual(['updated']);
      expect((down.requests[0]?.json as Message).containers[0]?.container).toBe(name);
    } finally {
      await down.close();
    }
  });
});
