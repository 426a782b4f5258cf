/** A digest shortened the way docker shows ids: `sha256:` and 12 hex digits; `-` for none. */
export function shortDigest(digest: string | null | undefined): string {
  if (digest === undefined || digest === null) return '-';
  const [algorithm, hex = ''] = digest.split(':');
  return `${algorithm}:${hex.slice(0, 12)}`;
}

/** Rows as aligned columns, two spaces apart; the last column is not padded (it is often long). */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths = (rows[0] ?? []).map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
