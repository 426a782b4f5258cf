/** As many lines of a failed container's log as the issue asks the journal to keep. */
export const LOG_LINES = 50;
// A line can be arbitrarily long (a JSON blob, a binary dump): bound the row, not only the lines.
const LOG_CHARS = 64 * 1024;

/** The last LOG_LINES lines of `text`, and at most LOG_CHARS characters of them. */
export function tailLogs(text: string): string {
  const lines = text.replace(/\n+$/, '').split('\n');
  const tail = lines.slice(-LOG_LINES).join('\n');
  return tail.length > LOG_CHARS ? tail.slice(-LOG_CHARS) : tail;
}
