import { TidewatchError } from '../domain/errors.js';
import { writeWholeFile } from '../domain/whole-file.js';
import type { Engine } from '../engine/index.js';
import { runHostCommand } from './host-command.js';

export interface NginxTarget {
  readonly upstreamFile: string;
  readonly reload: string;
  readonly reloadIn: string | undefined;
}

/**
 * Points nginx at one backend: the upstream file gets the single `server` line (written to a
 * temporary file in the same folder and renamed over, so nginx never reads half of it), then a
 * graceful reload. nginx's old workers finish the requests they hold, new workers use the new
 * file, so no request is cut (https://nginx.org/en/docs/control.html#reconfiguration).
 */
export async function pointNginxAt(engine: Engine, target: NginxTarget, address: string): Promise<void> {
  const file = target.upstreamFile;
  await writeWholeFile(file, `# written by Tidewatch: the backend it switched to\nserver ${address};\n`);
  if (target.reloadIn === undefined) return runHostCommand(target.reload);
  const result = await engine.exec(target.reloadIn, ['sh', '-c', target.reload], { timeoutMs: 30_000 });
  if (result.kind !== 'exited' || result.exitCode !== 0) {
    const how = result.kind === 'exited' ? `exited ${result.exitCode}` : 'timed out';
    throw new TidewatchError(
      'proxy-switch',
      `nginx reload "${target.reload}" in ${target.reloadIn} ${how}: ${result.output.trim().slice(-300)}`,
    );
  }
}
