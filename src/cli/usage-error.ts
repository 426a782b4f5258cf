/**
 * Commander's message for a usage error (unknown option, missing argument, bad choice), as one
 * line that says where to look: `tidewatch: unknown option '--jsn' (Did you mean --json?); see
 * \`tidewatch check --help\``. main.ts exits 2 after it. Pure.
 */
export function usageError(text: string, command: string): string {
  const message = text
    .replace(/^error: /, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ');
  return `tidewatch: ${message}; see \`${command} --help\`\n`;
}
