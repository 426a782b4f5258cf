import { systemClock } from '../domain/clock.js';
import { describeError } from '../domain/errors.js';
import type { FleetView } from '../fleet/index.js';
import { MemberName } from '../fleet/index.js';
import { withFleetTokens } from '../store/index.js';
import { formatTable, shortDigest } from './format.js';
import { apiUrl } from './healthcheck-command.js';
import { jsonOutput } from './json-times.js';

type Write = (text: string) => void;

/** `fleet token create|list|revoke`: on the controller's store, next to it running (no lock). */
export function fleetTokenCommand(
  file: string,
  action: 'create' | 'list' | 'revoke',
  name: string | undefined,
  json: boolean,
  write: Write,
  writeError: Write,
): number {
  if (action === 'list') {
    const tokens = withFleetTokens(file, systemClock, (store) => store.list());
    if (json) write(jsonOutput(tokens));
    else if (tokens.length === 0) write('no member tokens\n');
    else
      write(
        formatTable([
          ['MEMBER', 'CREATED', 'REVOKED'],
          ...tokens.map((t) => [t.member, iso(t.createdAt), t.revokedAt === null ? '-' : iso(t.revokedAt)]),
        ]),
      );
    return 0;
  }
  const parsed = MemberName.safeParse(name);
  if (!parsed.success) {
    writeError(
      `tidewatch: member name ${JSON.stringify(name ?? '')}: ${parsed.error.issues[0]?.message ?? 'invalid'}\n`,
    );
    return 2;
  }
  if (action === 'create') {
    const token = withFleetTokens(file, systemClock, (store) => store.create(parsed.data));
    // The token alone on stdout, so `$(tidewatch fleet token create NAME)` captures it; shown once.
    write(`${token}\n`);
    return 0;
  }
  const revoked = withFleetTokens(file, systemClock, (store) => store.revoke(parsed.data));
  if (!revoked) {
    writeError(`tidewatch: member ${parsed.data} has no live token\n`);
    return 1;
  }
  write(`revoked the token of ${parsed.data}: its connection ends within a second\n`);
  return 0;
}

/** `fleet status` and `fleet rollouts`: the controller's view, over its API. */
export async function fleetViewCommand(
  httpAddr: string,
  apiToken: string | undefined,
  what: 'status' | 'rollouts',
  json: boolean,
  write: Write,
  writeError: Write,
): Promise<number> {
  const base = apiUrl(httpAddr);
  if (base === undefined) {
    writeError('tidewatch: the HTTP API is off (--http-addr off): there is no fleet view to read\n');
    return 1;
  }
  let view: FleetView;
  try {
    const response = await fetch(`${base}/api/v1/fleet`, {
      headers: apiToken === undefined ? {} : { authorization: `Bearer ${apiToken}` },
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status === 404) throw new Error('this Tidewatch is not a fleet controller (--fleet)');
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    view = (await response.json()) as FleetView;
  } catch (error) {
    writeError(`tidewatch: cannot read the fleet from ${base}: ${describeError(error)}\n`);
    return 1;
  }
  if (json) {
    write(jsonOutput(what === 'status' ? view.members : view.rollouts));
    return 0;
  }
  write(what === 'status' ? statusTable(view) : rolloutsTable(view));
  return 0;
}

function statusTable(view: FleetView): string {
  if (view.members.length === 0) return 'no members yet\n';
  return formatTable([
    ['MEMBER', 'WAVE', 'STATE', 'LAST SEEN', 'VERSION', 'CONTAINERS'],
    ...view.members.map((m) => [
      m.name,
      String(m.wave),
      m.online ? 'online' : 'offline',
      iso(m.lastSeen),
      m.version || '-',
      String(m.containers.length),
    ]),
  ]);
}

function rolloutsTable(view: FleetView): string {
  if (view.rollouts.length === 0) return 'no rollouts yet\n';
  return formatTable([
    ['ID', 'IMAGE', 'DIGEST', 'STATE', 'WAVE', 'MEMBERS'],
    ...view.rollouts.map((r) => [
      String(r.id),
      r.ref,
      shortDigest(r.digest),
      r.state,
      r.wave === null ? '-' : String(r.wave),
      r.members.map((m) => `${m.name}:${m.progress}`).join(' '),
    ]),
  ]);
}

const iso = (at: number): string => new Date(at).toISOString().replace(/\.\d+Z$/, 'Z');
