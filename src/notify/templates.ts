import type { NoticeKind } from './types.js';

/**
 * The default message of each event, in the template language of template.ts. Every field of the
 * message data is documented in docs/notifications.md; a global --notification-template or a URL's
 * `tidewatch_template` replaces these for every event.
 */
/** Why an update was undone, and the failed container's last log lines when there are any. */
const REASON_AND_LOGS = [
  'Reason: {{reason}}',
  '{{#logs}}',
  'Last log lines of the new container:',
  '{{logs}}',
  '{{/logs}}',
];

/** Names who asked for an update, when a person or named token did (the `by` field). */
const ASKED_BY = '{{#by}} (asked by {{by}}){{/by}}';

/**
 * The release links of the update when its images carry OCI labels (docs/release-links.md), one
 * per line after `indent`; nothing when there are none.
 */
function links(indent: string): string {
  return [
    ['releaseUrl', 'Release notes'],
    ['compareUrl', 'Changes'],
    ['sourceUrl', 'Source'],
    ['projectUrl', 'Project'],
    ['documentationUrl', 'Documentation'],
  ]
    .map(([field = '', label = '']) => `{{#${field}}}\n${indent}${label}: {{${field}}}{{/${field}}}`)
    .join('');
}
const LINKS = links('');
const ITEM_LINKS = links('  ');

export const DEFAULT_TEMPLATES: Readonly<Record<NoticeKind, string>> = {
  'update-available': '{{container}} ({{image}}): an update is available, {{from}} → {{to}}' + LINKS,
  updated: '{{container}} ({{image}}): updated {{from}} → {{to}}' + ASKED_BY + LINKS,
  'rolled-back': [
    '{{container}} ({{image}}): the update to {{to}}' +
      ASKED_BY +
      ' was rolled back; {{from}} runs again.' +
      LINKS,
    ...REASON_AND_LOGS,
  ].join('\n'),
  failed: '{{container}} ({{image}}): the update to {{to}}' + ASKED_BY + ' failed: {{reason}}' + LINKS,
  skipped: '{{container}} ({{image}}): the update to {{to}} was skipped: {{reason}}' + LINKS,
  'approval-needed':
    '{{container}} ({{image}}): the update to {{to}} waits for approval #{{approvalId}}{{#deadline}} (until {{deadline}}){{/deadline}}' +
    LINKS,
  'rollout-halted': [
    'Fleet: the rollout of {{image}} {{to}} is halted for every member: {{container}} rolled it back.' +
      LINKS,
    ...REASON_AND_LOGS,
  ].join('\n'),
  report: [
    '{{checked}} scanned, {{updatedCount}} updated, {{failedCount}} failed',
    '{{#updated}}',
    '- {{container}} ({{image}}): updated {{from}} → {{to}}' + ASKED_BY + ITEM_LINKS,
    '{{/updated}}',
    '{{#rolledBack}}',
    '- {{container}} ({{image}}): rolled back from {{to}}' + ASKED_BY + ': {{reason}}' + ITEM_LINKS,
    '{{/rolledBack}}',
    '{{#failed}}',
    '- {{container}} ({{image}}): failed: {{reason}}' + ITEM_LINKS,
    '{{/failed}}',
    '{{#skipped}}',
    '- {{container}} ({{image}}): skipped: {{reason}}' + ITEM_LINKS,
    '{{/skipped}}',
    '{{#available}}',
    '- {{container}} ({{image}}): update available, {{from}} → {{to}}' + ITEM_LINKS,
    '{{/available}}',
    '{{#approvals}}',
    '- {{container}} ({{image}}): waits for approval #{{approvalId}}' + ITEM_LINKS,
    '{{/approvals}}',
    '{{#unchecked}}',
    '- {{container}}: could not be checked: {{reason}}',
    '{{/unchecked}}',
  ].join('\n'),
  test: 'A test message from Tidewatch on {{host}}: if you can read it, this notification URL works.',
  state: '',
};

/** Watchtower's title: `[tag] Watchtower updates on host`, for Tidewatch. */
export function formatTitle(host: string, tag: string | undefined): string {
  const prefix = tag !== undefined && tag !== '' ? `[${tag}] ` : '';
  return `${prefix}Tidewatch updates${host !== '' ? ` on ${host}` : ''}`;
}
