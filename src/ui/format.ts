/** Small display helpers, shared by the views. */

export function shortDigest(digest: string | null | undefined): string {
  if (!digest) return '—';
  const hex = digest.includes(':') ? digest.slice(digest.indexOf(':') + 1) : digest;
  return hex.slice(0, 12);
}

export function timeAgo(epochMs: number | null | undefined, now = Date.now()): string {
  if (epochMs === null || epochMs === undefined) return 'never';
  const seconds = Math.max(0, Math.round((now - epochMs) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)}h ago`;
  return `${Math.round(seconds / 86_400)}d ago`;
}

export function dateTime(epochMs: number | null | undefined): string {
  return epochMs === null || epochMs === undefined ? '—' : new Date(epochMs).toLocaleString();
}

const STATUS_TEXT: Record<string, string> = {
  current: 'up to date',
  'update-available': 'update available',
  skipped: 'skipped',
  unknown: 'unknown',
  unchecked: 'not checked yet',
};

export function statusText(status: string): string {
  return STATUS_TEXT[status] ?? status;
}
