import { updateKind } from '../policy/update-kind.js';
import type { ReleaseLinks } from '../domain/index.js';
import type { UpdateRecord } from '../store/index.js';
import type { ContainerFacts } from './types.js';

/** 12 hex digits of a digest or image id, as Watchtower's ShortID. */
export function shortId(value: string | null | undefined): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const hex = value.includes(':') ? value.slice(value.indexOf(':') + 1) : value;
  return hex.slice(0, 12);
}

interface Versions {
  readonly fromDigest?: string | null | undefined;
  readonly toDigest?: string | null | undefined;
  readonly fromImageId?: string | null | undefined;
  readonly toImageId?: string | null | undefined;
  readonly fromTag?: string | null | undefined;
  readonly toTag?: string | null | undefined;
}

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

function versions(input: Versions): Partial<ContainerFacts> {
  return {
    fromDigest: input.fromDigest ?? undefined,
    toDigest: input.toDigest ?? undefined,
    fromShort: shortId(input.fromDigest ?? input.fromImageId),
    toShort: shortId(input.toDigest ?? input.toImageId),
    fromTag: input.fromTag ?? undefined,
    toTag: input.toTag ?? undefined,
  };
}

/** An update that finished: committed, rolled back or failed. */
export function factsOfUpdate(record: UpdateRecord): ContainerFacts {
  const base = versions(record);
  const committed = record.state === 'committed';
  return defined({
    container: record.containerName,
    image: record.image,
    ...base,
    reason: record.reason ?? undefined,
    logs: record.logs ?? undefined,
    updateId: record.id,
    actor: record.actor ?? undefined,
    by: askedBy(record),
    installed: committed ? base.toShort : base.fromShort,
    latest: base.toShort,
  });
}

/**
 * Who asked for the update when an authenticated someone did (a named token's holder, a voter, a
 * person signed in): the actor unless it is only what started the run (`schedule`,
 * `webhook:github`, ...) or the OS user of a CLI run, which is as often cron as a person.
 */
function askedBy(record: UpdateRecord): string | undefined {
  const { actor, trigger } = record;
  return actor === null || actor === trigger || trigger === 'cli' ? undefined : actor;
}

/** The release links as template fields (flat, so a template tests each with a section). */
export function linkFacts(links: ReleaseLinks | undefined): Partial<ContainerFacts> {
  if (links === undefined) return {};
  return defined({
    sourceUrl: links.source,
    releaseUrl: links.release,
    compareUrl: links.compare,
    projectUrl: links.url,
    documentationUrl: links.documentation,
  });
}

/** The link fields of facts, to carry a check's links over to what happens to its update. */
export function linksOf(facts: ContainerFacts | undefined): Partial<ContainerFacts> {
  if (facts === undefined) return {};
  const { sourceUrl, releaseUrl, compareUrl, projectUrl, documentationUrl } = facts;
  return defined({ sourceUrl, releaseUrl, compareUrl, projectUrl, documentationUrl });
}

/** A container as a check saw it: current, or with an update. */
export function factsOfCheck(input: {
  readonly container: string;
  readonly image: string;
  readonly currentDigest?: string | undefined;
  readonly latestDigest?: string | undefined;
  readonly reason?: string | undefined;
  readonly releaseLinks?: ReleaseLinks | undefined;
  readonly currentTag?: string | undefined;
  readonly latestTag?: string | undefined;
}): ContainerFacts {
  const base = versions({
    fromDigest: input.currentDigest,
    toDigest: input.latestDigest,
    fromTag: input.currentTag,
    toTag: input.latestTag,
  });
  return defined({
    container: input.container,
    image: input.image,
    ...base,
    reason: input.reason,
    installed: base.fromShort,
    latest: base.toShort ?? base.fromShort,
    ...linkFacts(input.releaseLinks),
  });
}

/** Display forms for templates: the short digest, with the tag when the update moves to another. */
export function templateFields(facts: ContainerFacts): Record<string, unknown> {
  const moved = facts.toTag !== undefined && facts.toTag !== facts.fromTag;
  const show = (tag: string | undefined, short: string | undefined): string =>
    moved && tag !== undefined ? `${tag} (${short ?? '?'})` : (short ?? tag ?? '');
  const from = show(facts.fromTag, facts.fromShort);
  const to = show(facts.toTag, facts.toShort);
  // How big the step is (docs/policies.md): only for a notice that has somewhere to go.
  const kind =
    facts.toShort === undefined ? undefined : updateKind(facts.fromTag, facts.toTag ?? facts.fromTag);
  return { ...facts, from, to, ...(kind === undefined ? {} : { updateKind: kind }) };
}
