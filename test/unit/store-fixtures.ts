import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { openStore, storeFile, type Clock, type PlanInput, type Store } from '../../src/store/index.js';

/** Temp dirs made in a test file, removed after each test (or after all of the file's tests). */
export function useTempDirs(scope: 'each' | 'all' = 'each'): () => string {
  const made: string[] = [];
  (scope === 'each' ? afterEach : afterAll)(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidewatch-store-'));
    made.push(dir);
    return dir;
  };
}

export interface FakeClock {
  readonly clock: Clock;
  tick(ms: number): void;
}

export function fakeClock(start = Date.UTC(2026, 0, 1)): FakeClock {
  let now = start;
  return { clock: () => now, tick: (ms) => (now += ms) };
}

export function openIn(dir: string, clock: Clock = fakeClock().clock): Store {
  return openStore(storeFile(dir), { clock });
}

export function planInput(overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    containerName: 'web',
    containerId: 'c0ffee',
    image: 'nginx:1.27',
    trigger: 'schedule',
    strategy: 'stop-first',
    fromDigest: 'sha256:aaa',
    toDigest: 'sha256:bbb',
    ...overrides,
  };
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Child processes need the store as JavaScript, and Node 20 cannot run TypeScript. Transpile
 * src/store and src/domain into node_modules/.cache (so `zod` and `better-sqlite3` resolve from the
 * project) before the file's tests; the getter returns the compiled index's URL for `import()`.
 */
export function useCompiledStore(): () => string {
  const out = join(ROOT, 'node_modules', '.cache', 'tidewatch-store-tests', `${process.pid}-${Date.now()}`);
  beforeAll(async () => {
    // Loaded here, not at the top: only the files that start children pay for the compiler.
    const { default: ts } = await import('typescript');
    // src/policy: the approvals' rules (src/policy/approval.ts imports nothing).
    for (const folder of ['src/store', 'src/domain', 'src/policy']) {
      for (const name of readdirSync(join(ROOT, folder)).filter((file) => file.endsWith('.ts'))) {
        const source = readFileSync(join(ROOT, folder, name), 'utf8');
        const { outputText } = ts.transpileModule(source, {
          compilerOptions: {
            module: ts.ModuleKind.ESNext,
            target: ts.ScriptTarget.ES2022,
            esModuleInterop: true,
          },
        });
        const target = join(out, folder, name.replace(/\.ts$/, '.js'));
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, outputText);
      }
    }
    // Below node_modules no package.json of ours applies: say these files are ES modules.
    writeFileSync(join(out, 'package.json'), '{"type":"module"}\n');
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  return () => pathToFileURL(join(out, 'src/store/index.js')).href;
}

export interface ChildResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunningChild {
  readonly child: ChildProcessWithoutNullStreams;
  /** The first line the child prints that starts with `prefix`; rejects if it exits first. */
  line(prefix: string): Promise<string>;
  /** Resolves when the child prints a line `ready`. */
  readonly ready: Promise<string>;
  readonly exited: Promise<ChildResult>;
}

/** Starts an ES module script with `node -e`; `args` arrive as process.argv[1...]. Killed after `timeoutMs`. */
export function startNode(script: string, args: readonly string[], timeoutMs = 30_000): RunningChild {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, ...args], { cwd: ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exited = new Promise<ChildResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  const found = (prefix: string): string | undefined =>
    stdout.split('\n').find((text, index, all) => index < all.length - 1 && text.startsWith(prefix));
  const line = (prefix: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const text = found(prefix);
        if (text === undefined) return;
        child.stdout.off('data', check);
        resolve(text);
      };
      child.stdout.on('data', check);
      check();
      // A child that dies first must not leave the test waiting until the timeout.
      void exited.then((result) => {
        child.stdout.off('data', check);
        const text = found(prefix);
        if (text === undefined)
          reject(new Error(`child exited before printing ${prefix}: ${JSON.stringify(result)}`));
        else resolve(text);
      });
    });
  const ready = line('ready');
  // Marked handled: a caller that only waits for the exit must not get an unhandled rejection.
  ready.catch(() => undefined);
  return { child, line, ready, exited };
}

export function runNode(script: string, args: readonly string[], timeoutMs = 30_000): Promise<ChildResult> {
  return startNode(script, args, timeoutMs).exited;
}
