/**
 * Notifications: shoutrrr-style URLs (and Watchtower's legacy settings) to one Channel port per
 * service; events to messages through templates; an outbox in the store so nothing is lost.
 * See docs/notifications.md.
 */
export { createNotifications, type Notifications, type NotificationDeps } from './service.js';
export { readNotifyConfig, type NotifyConfig } from './config.js';
export { buildTarget, buildTargets, type Target } from './targets.js';
export { translateLegacy, type LegacySettings } from './legacy.js';
export { compileTemplate, type Template } from './template.js';
export { DEFAULT_TEMPLATES, formatTitle } from './templates.js';
export { Secrets } from '../domain/redact.js';
export { Dispatcher, defaultBackoffMs, PERMANENT_ATTEMPTS } from './dispatcher.js';
export { Notifier } from './notifier.js';
export { payloadFor, outboxRows, templateData, type Notice } from './compose.js';
export { CHANNELS } from './channels/index.js';
export { homeAssistantPublications } from './channels/home-assistant.js';
export { testPayload } from './sample.js';
export {
  DeliveryError,
  Payload,
  type Channel,
  type ContainerFacts,
  type DeliveryReceipt,
  type Level,
  type NoticeKind,
} from './types.js';
