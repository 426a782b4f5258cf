/**
 * The dashboard's only way to the daemon: the /api/v1 routes, with the session cookie the server
 * set at sign-in. Every mutating request carries the CSRF header the server requires of cookie
 * sessions (a cross-site form cannot set it, and no CORS preflight is ever allowed).
 */
import type { Approval, ContainerRow, FleetView, HistoryPage, UpdateRecord, BundleRecord } from './types.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** GET /session: who is signed in (`name` absent for the shared --api-token), and how one can. */
export interface SessionInfo {
  readonly signedIn: boolean;
  readonly tokenRequired: boolean;
  readonly name?: string;
  readonly role?: string;
  readonly oidc?: { readonly issuer: string };
}

/** What POST /check answers once its run is done. */
export interface RunReport {
  readonly checked: number;
  readonly updated: number;
  readonly failed: number;
  readonly entries: ReadonlyArray<{ readonly name: string; readonly status: string }>;
}

export const CSRF_HEADER = 'X-Tidewatch-Csrf';

export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET') headers[CSRF_HEADER] = '1';
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`api/v1${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'unreachable', 'Tidewatch cannot be reached');
  }
  const text = await response.text();
  const json: unknown = text === '' ? undefined : safeJson(text);
  if (!response.ok) {
    const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(response.status, error?.code ?? 'http', error?.message ?? `HTTP ${response.status}`);
  }
  return json as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const path = (name: string): string => encodeURIComponent(name);

export const api = {
  signIn: (token: string): Promise<unknown> => call('POST', '/session', { token }),
  signOut: (): Promise<unknown> => call('DELETE', '/session'),
  session: (): Promise<SessionInfo> => call('GET', '/session'),
  containers: (): Promise<{ items: ContainerRow[] }> => call('GET', '/containers'),
  container: (name: string): Promise<ContainerRow> => call('GET', `/containers/${path(name)}`),
  history: (query: Record<string, string> = {}): Promise<HistoryPage> =>
    call('GET', `/updates?${new URLSearchParams(query).toString()}`),
  update: (id: number): Promise<UpdateRecord> => call('GET', `/updates/${id}`),
  /** Checks every container and changes nothing: what is found shows in the list. */
  checkOnly: (): Promise<RunReport> => call('POST', '/check?update=false'),
  /** Checks these containers and applies what is found, each verified. */
  updateMany: (names: readonly string[]): Promise<RunReport> =>
    call('POST', `/check?container=${names.map(path).join(',')}`),
  updateNow: (name: string): Promise<unknown> => call('POST', `/containers/${path(name)}/update`),
  rollback: (name: string): Promise<unknown> => call('POST', `/containers/${path(name)}/rollback`),
  forgetBad: (name: string): Promise<unknown> => call('DELETE', `/containers/${path(name)}/bad-digests`),
  approvals: (): Promise<{ items: Approval[] }> => call('GET', '/approvals'),
  /** A fleet controller's members and rollouts; 404 on a Tidewatch that is not one. */
  fleet: (): Promise<FleetView> => call('GET', '/fleet'),
  /** Offline bundles received (docs/offline.md), newest first. */
  bundles: (limit = 100): Promise<{ items: BundleRecord[] }> => call('GET', `/bundles?limit=${limit}`),
  /** `voter` only for the shared --api-token: a person's session votes as that person. */
  approve: (id: number, voter: string | undefined): Promise<unknown> =>
    call('POST', `/approvals/${id}/approve`, voter === undefined ? {} : { voter }),
  reject: (id: number, voter: string | undefined): Promise<unknown> =>
    call('POST', `/approvals/${id}/reject`, voter === undefined ? {} : { voter }),
};
