/** The read-only views' API calls; their answers are the server's own types (src/api/view-types.ts). */
import type { GitopsSourceItem, OutboxAnswer, ServicesAnswer } from '../api/view-types.js';
import { call } from './api.js';

export type {
  GitopsApply,
  GitopsSourceItem as GitopsSource,
  OutboxAnswer,
  OutboxMessage,
  ServiceItem,
  ServicesAnswer,
} from '../api/view-types.js';

export const viewsApi = {
  services: (): Promise<ServicesAnswer> => call('GET', '/services'),
  gitopsSources: (): Promise<{ items: GitopsSourceItem[] }> => call('GET', '/gitops/sources'),
  outbox: (): Promise<OutboxAnswer> => call('GET', '/notifications/outbox'),
  config: (): Promise<{ config: Record<string, unknown> }> => call('GET', '/config'),
};
