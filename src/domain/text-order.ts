/**
 * Orders names by code point, as `sort()` does with no comparator.
 *
 * Not `localeCompare`: its first call loads ICU's collation data, 2.7 MB of file pages that an
 * idle daemon would otherwise never touch (docs/performance.md). The names ordered here (container,
 * service, file and compose-service names) are ASCII, where the only difference is that capitals
 * sort before lower case.
 */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
