import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, labDocker, pushImage, runContainer, uniqueName } from '../lab/index.js';
import { buildNodeBase, buildTidewatchImage, deriveImage } from '../support/image-base.js';
import { eventually } from '../support/images.js';
import { useLab } from '../support/lab.js';

/**
 * Samples who holds the data-dir lock, from outside every Tidewatch: F_GETLK on the byte SQLite's
 * RESERVED lock covers (PENDING_BYTE + 1 = 0x40000001, see sqlite's os_unix.c), which the holder
 * keeps for as long as it holds the data dir (src/store/lock.ts). Prints `<pid> <recheck>` every
 * 100 ms: the holder's host pid, or 0 when free, then the holder 100 ms later when it was free, so
 * the report tells a handover from a real gap. A handover takes a few milliseconds (the successor
 * polls every 2 ms), but on the lab's two loaded cores the successor's next poll can come tens of
 * milliseconds late: 20 ms of slack once failed a full run. Perl, as Debian always has it.
 */
const SAMPLER = String.raw`
use strict; use Fcntl; use Time::HiRes qw(sleep);
my ($file) = @ARGV; $| = 1;
sub holder {
  open(my $fh, '<', $file) or return -1;
  my $lock = pack('s s x4 q q l x4', F_WRLCK, 0, 0x40000001, 1, 0);
  fcntl($fh, F_GETLK, $lock) or return -1;
  my ($type, $w, $s, $l, $pid) = unpack('s s x4 q q l x4', $lock);
  close $fh;
  return $type == F_UNLCK ? 0 : $pid;
}
while (1) { my $pid = holder(); my $again = 0; if ($pid == 0) { sleep(0.1); $again = holder(); } print "$pid $again\n"; sleep(0.1); }
`;

interface Sample {
  readonly pid: number;
  readonly recheck: number;
}

function startSampler(lockFile: string): { readonly samples: () => Sample[]; readonly stop: () => void } {
  const child: ChildProcess = spawn('perl', ['-e', SAMPLER, lockFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return {
    samples: () =>
      text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => {
          const [pid, recheck] = line.split(' ').map(Number);
          return { pid: pid ?? -1, recheck: recheck ?? -1 };
        }),
    stop: () => child.kill('SIGKILL'),
  };
}

/** Consecutive distinct holders, e.g. [A, B] for one handover. */
function holders(samples: readonly Sample[]): number[] {
  const sequence: number[] = [];
  for (const { pid, recheck } of samples) {
    const holder = pid > 0 ? pid : recheck;
    if (holder > 0 && sequence.at(-1) !== holder) sequence.push(holder);
  }
  return sequence;
}

describe('self-update', () => {
  const docker = labDocker();
  const lab = useLab();
  const dataDir = mkdtempSync(join(tmpdir(), 'tidewatch-self-'));
  const token = 'self-update-test-token-0123456789';
  const name = uniqueName('tidewatch-self');
  const imageIds: string[] = [];
  let ref = '';
  let base = '';
  let port = 0;

  const inspect = (idOrName: string) =>
    docker
      .getContainer(idOrName)
      .inspect()
      .catch(() => undefined);
  const logsOf = async (id: string): Promise<string> =>
    (await docker.getContainer(id).logs({ stdout: true, stderr: true })).toString('utf8');
  const update = (): void => {
    // Answers when the run is done, or not at all when the daemon hands over: not awaited.
    fetch(`http://127.0.0.1:${port}/v1/update`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(120_000),
    }).then(
      (response) => response.arrayBuffer(),
      () => undefined,
    );
  };

  beforeAll(async () => {
    base = await buildNodeBase();
    ref = `${lab.registry.host}/${uniqueName('tidewatch-self')}:latest`;
    imageIds.push(await buildTidewatchImage(ref, base));
    await pushImage(ref);
    port = await freePort();
    // --network host: the lab registry is on the host's loopback. The data dir is a host folder, so
    // the sampler can see its lock.
    await runContainer(name, ref, {
      Env: [
        `TIDEWATCH_HTTP_ADDR=127.0.0.1:${port}`,
        `TIDEWATCH_API_TOKEN=${token}`,
        `TIDEWATCH_SCOPE=${name}`,
        'TIDEWATCH_INTERVAL=1h',
      ],
      Labels: { 'tidewatch.scope': name },
      HostConfig: {
        NetworkMode: 'host',
        Binds: ['/var/run/docker.sock:/var/run/docker.sock', `${dataDir}:/data`],
      },
    });
    await eventually(
      () =>
        fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) }).then(
          (response) => response.status,
          () => 0,
        ),
      (status) => status === 200,
      60_000,
    );
  }, 600_000);

  // Children before parents, then the base: cleanupLab removes in parallel, which the engine may refuse.
  afterAll(async () => {
    for (const container of await docker.listContainers({ all: true })) {
      if (container.Names.some((n) => n.startsWith(`/${name}`)))
        await docker.getContainer(container.Id).remove({ force: true });
    }
    for (const id of [...imageIds.reverse(), base])
      await docker
        .getImage(id)
        .remove({ force: true })
        .catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  it('starts a successor on the moved image, hands over with one lock holder throughout, and the successor takes the name', async () => {
    const before = await inspect(name);
    expect(before?.State.Running).toBe(true);
    const sampler = startSampler(join(dataDir, 'tidewatch.lock'));
    try {
      await eventually(sampler.samples, (samples) => samples.length >= 5, 10_000);
      // v2: the same build under another label, pushed under the same tag.
      const v2 = await deriveImage(ref, ref, ['LABEL tidewatch.test.version=2']);
      imageIds.push(v2);
      await pushImage(ref);
      update();

      const after = await eventually(
        () => inspect(name),
        (details) => details !== undefined && details.Id !== before?.Id && details.State.Running,
        180_000,
      );
      expect(after?.Image).toBe(v2);
      expect(await inspect(before?.Id ?? '')).toBeUndefined();
      const logs = await eventually(
        () => logsOf(after?.Id ?? ''),
        (text) => text.includes('took over from the predecessor'),
        30_000,
      );
      expect(logs).toContain('successor holds the data-dir lock');
      // The successor serves the API on the same address once it holds the lock.
      const health = await eventually(
        () =>
          fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) }).then(
            (response) => response.status,
            () => 0,
          ),
        (status) => status === 200,
        30_000,
      );
      expect(health).toBe(200);
      // A few more samples with the successor alone.
      const count = sampler.samples().length;
      await eventually(sampler.samples, (samples) => samples.length >= count + 5, 10_000);
    } finally {
      sampler.stop();
    }
    const samples = sampler.samples();
    // Never nobody: every sample finds a holder, or (in the handover's few milliseconds) one 100 ms later.
    expect(samples.filter((sample) => sample.pid <= 0 && sample.recheck <= 0)).toEqual([]);
    // Exactly one handover: the predecessor, then the successor (fcntl locks never have two holders).
    expect(holders(samples)).toHaveLength(2);
  }, 300_000);

  it('removes a successor that fails, remembers its digest, and keeps running', async () => {
    const before = await inspect(name);
    expect(before?.State.Running).toBe(true);
    const sampler = startSampler(join(dataDir, 'tidewatch.lock'));
    try {
      await eventually(sampler.samples, (samples) => samples.length >= 5, 10_000);
      // v3 exits at once: it never gets to say it is ready.
      const v3 = await deriveImage(ref, ref, ['ENTRYPOINT ["node", "-e", "process.exit(3)"]']);
      imageIds.push(v3);
      const v3Digest = await pushImage(ref);
      update();
      const logs = await eventually(
        () => logsOf(before?.Id ?? ''),
        (text) => text.includes('successor failed; this instance keeps running'),
        120_000,
      );
      expect(logs).toContain('it exited with 3');
      // Remembered as bad: the next run does not try it again.
      const response = await fetch(`http://127.0.0.1:${port}/api/v1/containers/${name}`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(5000),
      });
      const body = (await response.json()) as { badDigests: Array<{ digest: string }> };
      expect(body.badDigests.map((bad) => bad.digest)).toEqual([v3Digest]);
    } finally {
      sampler.stop();
    }
    const after = await inspect(name);
    expect(after?.Id).toBe(before?.Id);
    expect(after?.State.Running).toBe(true);
    const leftovers = (await docker.listContainers({ all: true })).filter((c) =>
      c.Names.some((n) => n.startsWith(`/${name}-successor`)),
    );
    expect(leftovers).toEqual([]);
    const samples = sampler.samples();
    expect(samples.every((sample) => sample.pid > 0)).toBe(true);
    expect(holders(samples)).toHaveLength(1);
  }, 300_000);
});
