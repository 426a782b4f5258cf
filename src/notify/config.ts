import { hostname as osHostname } from 'node:os';
import type { Settings } from '../config/index.js';
import { translateLegacy } from './legacy.js';
import { compileTemplate, type Template } from './template.js';
import { formatTitle } from './templates.js';
import type { Level } from './types.js';

/** Notification settings, resolved once at start: the URLs (legacy ones translated), templates, title. */
export interface NotifyConfig {
  readonly urls: readonly string[];
  readonly level: Level;
  /** One message per run instead of one per event. */
  readonly report: boolean;
  /** The global template, instead of each event's default. */
  readonly template: Template | undefined;
  readonly host: string;
  /** undefined with --notification-skip-title. */
  readonly title: string | undefined;
  readonly delayMs: number;
  readonly timeoutMs: number;
  readonly maxAgeMs: number;
  readonly drainMs: number;
  /** Said once at start: settings that are read but not honoured as the user may expect. */
  readonly warnings: readonly string[];
}

export function readNotifyConfig(
  settings: Readonly<Settings>,
  hostname: string = osHostname(),
): NotifyConfig {
  const legacy = translateLegacy(settings.legacyNotifications);
  const host = settings.notificationsHostname ?? hostname;
  const tag = settings.notificationTitleTag ?? settings.legacyNotifications.emailSubjectTag;
  const warnings: string[] = [];
  if (settings.watchtowerNotificationTemplate !== undefined) {
    warnings.push(
      'WATCHTOWER_NOTIFICATION_TEMPLATE is a Go template, which Tidewatch does not run; its default messages are sent (see TIDEWATCH_NOTIFICATION_TEMPLATE)',
    );
  }
  const template =
    settings.notificationTemplate !== undefined
      ? compileTemplate(settings.notificationTemplate, '--notification-template', { escapes: true })
      : undefined;
  return {
    urls: [...settings.notificationUrls, ...legacy.urls],
    level: settings.notificationsLevel,
    report: settings.notificationReport,
    template,
    host,
    title: settings.notificationSkipTitle ? undefined : formatTitle(host, tag),
    delayMs: Math.max(settings.notificationsDelayMs, legacy.delayMs ?? 0),
    timeoutMs: settings.notificationTimeoutMs,
    maxAgeMs: settings.notificationMaxAgeMs,
    drainMs: settings.notificationDrainMs,
    warnings,
  };
}
