import type { OutboxInput } from '../store/index.js';
import type { NotifyConfig } from './config.js';
import { templateFields } from './facts.js';
import type { Target } from './targets.js';
import { compileTemplate, type Template } from './template.js';
import { DEFAULT_TEMPLATES } from './templates.js';
import {
  atLeast,
  NOTICE_KINDS,
  type ContainerFacts,
  type Level,
  type NoticeKind,
  type Payload,
} from './types.js';

/** Something to tell: an event, with what it is about, before it is rendered for each target. */
export interface Notice {
  readonly kind: NoticeKind;
  readonly level: Level;
  /** Epoch ms. */
  readonly time: number;
  readonly containers: readonly ContainerFacts[];
  /** Template data beyond one container's fields: the report's lists and counts. */
  readonly data?: Readonly<Record<string, unknown>>;
}

const DEFAULTS = Object.fromEntries(
  NOTICE_KINDS.map((kind) => [
    kind,
    compileTemplate(DEFAULT_TEMPLATES[kind], `the default ${kind} template`),
  ]),
) as Record<NoticeKind, Template>;

function camel(kind: NoticeKind): string {
  return kind.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}

/** What a template sees: the container's fields (or the report's), plus event, level, host, title, time. */
export function templateData(
  notice: Notice,
  host: string,
  title: string | undefined,
): Record<string, unknown> {
  const [only] = notice.containers;
  const subject = notice.kind !== 'report' && only !== undefined ? templateFields(only) : {};
  return {
    ...subject,
    ...notice.data,
    event: notice.kind,
    level: notice.level,
    host,
    title: title ?? '',
    time: new Date(notice.time).toISOString(),
    // A flag per event ({{#rolledBack}}…{{/rolledBack}}) lets one template speak of each.
    [camel(notice.kind)]: true,
  };
}

/**
 * The message for one target, or undefined when that target gets none: below the level filter
 * (a Home Assistant target still gets the containers' state), or a template that rendered nothing
 * (as in Watchtower, an empty message is not sent).
 */
export function payloadFor(notice: Notice, target: Target, config: NotifyConfig): Payload | undefined {
  const receivesState = target.channel.receivesState && notice.containers.length > 0;
  const title = target.title ?? config.title;
  const base = {
    level: notice.level,
    host: config.host,
    time: notice.time,
    containers: [...notice.containers],
  };
  const state: Payload = { ...base, event: 'state', body: '' };
  if (notice.kind === 'state') return receivesState ? state : undefined;
  if (notice.kind !== 'test' && !atLeast(notice.level, config.level))
    return receivesState ? state : undefined;
  const template = target.template ?? config.template ?? DEFAULTS[notice.kind];
  const body = template.render(templateData(notice, config.host, title)).replace(/\s+$/, '');
  if (body === '') return receivesState ? state : undefined;
  return { ...base, event: notice.kind, body, ...(title !== undefined ? { title } : {}) };
}

/** Outbox rows of a notice: one per target that gets it. */
export function outboxRows(
  notice: Notice,
  targets: readonly Target[],
  config: NotifyConfig,
  now: number,
): OutboxInput[] {
  return targets.flatMap((target) => {
    const payload = payloadFor(notice, target, config);
    if (payload === undefined) return [];
    return [
      {
        target: target.id,
        targetLabel: target.label,
        event: payload.event,
        level: payload.level,
        payload: JSON.stringify(payload),
        notBefore: now + config.delayMs,
      },
    ];
  });
}
