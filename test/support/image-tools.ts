import { execFile } from 'node:child_process';
import { closeSync, lstatSync, openSync, readSync, readdirSync, readlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The programs Tidewatch's features run, as the host has them, for a host-made base image (no
 * image can be pulled here): git (with its helpers) and ssh for GitOps and ssh:// engines, and
 * Compose v1 (Debian's docker-compose, a Python program: the interpreter, its standard library
 * and the packages compose imports). Dockerfile installs the same three from alpine's packages.
 */
const PYTHON = '/usr/bin/python3';
const STDLIB_SKIP = new Set([
  'test',
  'idlelib',
  'tkinter',
  'turtledemo',
  'ensurepip',
  'lib2to3',
  '__pycache__',
]);
const DIST_PACKAGES = '/usr/lib/python3/dist-packages';
// ustar names without a prefix field: the tar writer takes 100 bytes.
const MAX_PATH = 99;

/** Every file under `dir`, symlinks kept as links (git-core has several), `skip` names left out. */
function walk(
  dir: string,
  skip: ReadonlySet<string>,
  into: Map<string, string>,
  links: Map<string, string>,
): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, skip, into, links);
    else if (entry.isSymbolicLink()) links.set(path, readlinkSync(path));
    else if (entry.isFile() && path.length <= MAX_PATH) into.set(path, path);
  }
}

function isElf(path: string): boolean {
  const head = Buffer.alloc(4);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  return head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
}

/** The shared libraries `ldd` lists for `binary`, as absolute paths (the vdso has none). */
export async function sharedLibraries(binary: string): Promise<string[]> {
  const { stdout } = await run('ldd', [binary]).catch(() => ({ stdout: '' }));
  return stdout
    .split('\n')
    .map((line) => /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line)?.[1])
    .filter((path): path is string => path !== undefined);
}

/** The top-level entries of dist-packages that docker-compose imports to start. */
async function composePackages(): Promise<string[]> {
  const script = [
    'import sys',
    "sys.argv = ['docker-compose', 'version']",
    'import compose.cli.main',
    `prefix = '${DIST_PACKAGES}/'`,
    'names = {m.__file__[len(prefix):].split("/")[0] for m in list(sys.modules.values())',
    '         if (getattr(m, "__file__", None) or "").startswith(prefix)}',
    'print("\\n".join(sorted(names)))',
  ].join('\n');
  const { stdout } = await run(PYTHON, ['-c', script]);
  return stdout.split('\n').filter((name) => name !== '');
}

export interface ToolFiles {
  /** Image path → host file to read. */
  readonly files: Map<string, string>;
  /** Image path → link target. */
  readonly links: Map<string, string>;
}

/** git, ssh and docker-compose with everything they load, at the paths the host has them. */
export async function toolFiles(): Promise<ToolFiles> {
  const files = new Map<string, string>();
  const links = new Map<string, string>();
  for (const binary of ['/usr/bin/git', '/usr/bin/ssh', '/usr/bin/docker-compose']) files.set(binary, binary);
  walk('/usr/lib/git-core', new Set(), files, links);
  walk('/usr/share/git-core/templates', new Set(), files, links);
  // python3 → python3.11: the real interpreter, and the link the compose script's #! names.
  const python = resolve(dirname(PYTHON), readlinkSync(PYTHON));
  files.set(python, python);
  links.set(PYTHON, readlinkSync(PYTHON));
  const stdlib = `/usr/lib/${python.split('/').pop() ?? 'python3'}`;
  walk(stdlib, STDLIB_SKIP, files, links);
  for (const entry of readdirSync(DIST_PACKAGES)) {
    // Every package's metadata (the compose script finds its entry point there), and the code of
    // those compose imports.
    if (/\.(egg|dist)-info$/.test(entry)) walk(join(DIST_PACKAGES, entry), new Set(), files, links);
  }
  for (const name of await composePackages()) {
    const path = join(DIST_PACKAGES, name);
    if (lstatSync(path).isDirectory()) walk(path, STDLIB_SKIP, files, links);
    else files.set(path, path);
  }
  for (const path of [...files.keys()].filter(isElf)) {
    for (const library of await sharedLibraries(path)) files.set(library, library);
  }
  return { files, links };
}
