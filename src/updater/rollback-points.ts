/**
 * Which previous images of a container `--cleanup` may remove: all but the `keep` most recent
 * distinct ones, which stay as rollback points. `previous` is newest first (the image just
 * replaced, then older ones from history); the image the container runs now is never a candidate.
 * Pure.
 */
export function imagesToRemove(previous: readonly string[], current: string, keep: number): string[] {
  const distinct = [...new Set(previous)].filter((id) => id !== current);
  return distinct.slice(keep);
}
