/**
 * A minimal ustar writer: enough for image layers and `docker load` archives without a tar
 * dependency. Entries get a fixed mtime and owner so equal content gives equal bytes, and so equal
 * layer digests (the engine and the registry then share the busybox layer between images).
 */
export type TarEntry =
  | { type: 'file'; path: string; content: Buffer; mode?: number }
  | { type: 'dir'; path: string; mode?: number }
  | { type: 'symlink'; path: string; target: string };

const BLOCK = 512;
const FIXED_MTIME = 946_684_800; // 2000-01-01: any constant keeps the bytes reproducible

function writeString(header: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > length) throw new Error(`tar field too long (${length}): ${value}`);
  bytes.copy(header, offset);
}

function writeOctal(header: Buffer, offset: number, length: number, value: number): void {
  // length - 1 digits then a NUL, as ustar expects.
  writeString(header, offset, length, value.toString(8).padStart(length - 1, '0') + '\0');
}

function headerFor(entry: TarEntry, size: number): Buffer {
  const header = Buffer.alloc(BLOCK);
  const name = entry.type === 'dir' && !entry.path.endsWith('/') ? `${entry.path}/` : entry.path;
  writeString(header, 0, 100, name);
  const defaultMode = entry.type === 'file' ? 0o644 : entry.type === 'dir' ? 0o755 : 0o777;
  writeOctal(header, 100, 8, entry.type === 'symlink' ? 0o777 : (entry.mode ?? defaultMode));
  writeOctal(header, 108, 8, 0); // uid
  writeOctal(header, 116, 8, 0); // gid
  writeOctal(header, 124, 12, size);
  writeOctal(header, 136, 12, FIXED_MTIME);
  header.fill(' ', 148, 156); // checksum is computed with its own field as spaces
  writeString(header, 156, 1, entry.type === 'file' ? '0' : entry.type === 'dir' ? '5' : '2');
  if (entry.type === 'symlink') writeString(header, 157, 100, entry.target);
  writeString(header, 257, 6, 'ustar\0');
  writeString(header, 263, 2, '00');
  writeString(header, 265, 32, 'root');
  writeString(header, 297, 32, 'root');
  let sum = 0;
  for (const byte of header) sum += byte;
  writeString(header, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return header;
}

/** The whole archive in memory: lab layers are a few megabytes at most. */
export function createTar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const content = entry.type === 'file' ? entry.content : Buffer.alloc(0);
    parts.push(headerFor(entry, content.length));
    if (content.length > 0) {
      parts.push(content, Buffer.alloc((BLOCK - (content.length % BLOCK)) % BLOCK));
    }
  }
  parts.push(Buffer.alloc(BLOCK * 2)); // end-of-archive marker
  return Buffer.concat(parts);
}
