import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import type { ExecResult } from './engine.js';

/** Output kept from a command: enough for a log line or a notification, never unbounded. */
export const EXEC_OUTPUT_BYTES = 16 * 1024;

/** Runs `command` in the container through the exec API, collecting its output (stdout and stderr). */
export async function runExec(
  container: Docker.Container,
  command: readonly string[],
  timeoutMs: number,
): Promise<ExecResult> {
  const exec = await container.exec({ Cmd: [...command], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  let output = '';
  const collect = new PassThrough();
  collect.on('data', (chunk: Buffer) => {
    if (output.length < EXEC_OUTPUT_BYTES) output = (output + chunk.toString()).slice(0, EXEC_OUTPUT_BYTES);
  });
  // Without a TTY the engine multiplexes stdout and stderr into frames; demux both into one.
  (
    container.modem as {
      demuxStream(stream: NodeJS.ReadableStream, out: PassThrough, err: PassThrough): void;
    }
  ).demuxStream(stream, collect, collect);

  const ended = new Promise<'ended'>((resolve, reject) => {
    stream.on('end', () => resolve('ended'));
    stream.on('close', () => resolve('ended'));
    stream.on('error', reject);
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timed-out'>((resolve) => {
    if (timeoutMs > 0) timer = setTimeout(() => resolve('timed-out'), timeoutMs);
  });
  try {
    if ((await Promise.race([ended, timedOut])) === 'timed-out') {
      stream.destroy();
      return { kind: 'timed-out', output };
    }
  } finally {
    clearTimeout(timer);
  }
  const { ExitCode } = await exec.inspect();
  return { kind: 'exited', exitCode: ExitCode ?? -1, output };
}

/**
 * Text of a non-TTY log or exec stream read whole: the engine frames it as 8-byte headers
 * (stream, 0, 0, 0, big-endian length) followed by the payload. A TTY stream has no frames.
 */
export function demuxToText(raw: Buffer): string {
  const looksFramed = raw.length >= 8 && raw[0]! <= 2 && raw[1] === 0 && raw[2] === 0 && raw[3] === 0;
  if (!looksFramed) return raw.toString();
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= raw.length) {
    const size = raw.readUInt32BE(offset + 4);
    parts.push(raw.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(parts).toString();
}
