/** Writes to stdout: what the commands print (their logs go to stderr). */
export function writeStdout(text: string): void {
  process.stdout.write(text);
}

/** stdout when it is a terminal; undefined when it is not (a pipe, a file, a log collector). */
export function stdoutTerminal(): ((text: string) => void) | undefined {
  return process.stdout.isTTY ? writeStdout : undefined;
}
