/**
 * Container event actions that leave everything container inspect reports as it was: commands run
 * in the container (a healthcheck execs every interval), attaching, resizing a TTY, copying files,
 * committing it to an image, and health changes (health is read by verification, never from the
 * inventory). Every other action (create, start, die, stop, kill, restart, pause, rename, update,
 * destroy, network connect and disconnect, and any the engine adds later) drops the cached details.
 * https://docs.docker.com/reference/api/engine/version/v1.41/#tag/System/operation/SystemEvents
 */
const UNCHANGING = new Set([
  'attach',
  'detach',
  'resize',
  'top',
  'export',
  'commit',
  'copy',
  'archive-path',
  'extract-to-dir',
]);

/** Whether an event with this action may have changed what container inspect reports. */
export function changesDetails(action: string): boolean {
  if (action.startsWith('exec_') || action.startsWith('health_status')) return false;
  return !UNCHANGING.has(action);
}
