/** The read-only views' API calls and answers (docs/api.md#dashboard-views). */
import { call } from './api.js';

export interface ServiceItem {
  readonly name: string;
  readonly subject: string;
  readonly id: string;
  readonly image: string;
  readonly mode: string;
  readonly watched: boolean;
  readonly reason: string | null;
  readonly policy: string | null;
  readonly updateStatus: { state: string; message: string } | null;
  readonly lastUpdate: {
    id: number;
    state: string;
    reason: string | null;
    startedAt: number;
    finishedAt: number | null;
  } | null;
}

export interface ServicesAnswer {
  readonly swarm: 'off' | 'not-manager' | 'manager';
  readonly nodeState: string | null;
  readonly items: ServiceItem[];
  readonly error?: string;
}

export interface ProjectResult {
  readonly project: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface GitopsApply {
  readonly id: number;
  readonly project: string;
  readonly state: string;
  readonly fromCommit: string | null;
  readonly toCommit: string | null;
  readonly reason: string | null;
  readonly startedAt: number;
  readonly finishedAt: number | null;
}

export interface GitopsSource {
  readonly name: string;
  readonly url: string;
  readonly branch: string;
  readonly path: string;
  readonly intervalMs: number;
  readonly applying: boolean;
  readonly lastApply: {
    at: number;
    kind: 'unchanged' | 'applied' | 'failed';
    commit: string | null;
    reason: string | null;
    projects: ProjectResult[];
  } | null;
  readonly history: GitopsApply[];
}

export interface OutboxMessage {
  readonly id: number;
  readonly target: string;
  readonly event: string;
  readonly level: string;
  readonly state: 'pending' | 'delivered' | 'failed';
  readonly attempts: number;
  readonly createdAt: number;
  readonly nextAttemptAt: number;
  readonly deliveredAt: number | null;
  readonly failedAt: number | null;
  readonly lastError: string | null;
  readonly title: string | null;
  readonly body: string;
}

export interface OutboxAnswer {
  readonly stats: { pending: number; delivered: number; failed: number };
  readonly items: OutboxMessage[];
}

export const viewsApi = {
  services: (): Promise<ServicesAnswer> => call('GET', '/services'),
  gitopsSources: (): Promise<{ items: GitopsSource[] }> => call('GET', '/gitops/sources'),
  outbox: (): Promise<OutboxAnswer> => call('GET', '/notifications/outbox'),
  config: (): Promise<{ config: Record<string, unknown> }> => call('GET', '/config'),
};
