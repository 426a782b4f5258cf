import pLimit from 'p-limit';
import { parseImageRef, type ContainerSummary, byCodePoint } from '../domain/index.js';
import type { TidewatchEvent } from '../events/index.js';
import { updateKind } from '../policy/index.js';
import type { UpdateRecord } from '../store/index.js';
import type { WaitingFor } from '../domain/run.js';
import type { ReleaseLinks } from '../domain/release-links.js';

export type { ContainerInfo, LastUpdate };
import { copyOf, selectContainers } from '../updater/index.js';
import type { Daemon as ApiDaemon } from '../daemon/index.js';
import {
  VIEW_STATUSES,
  type ContainerCopy,
  type ContainerInfo,
  type HeldBack,
  type LastUpdate,
  type ViewStatus,
} from './container-info.js';

interface Checked {
  readonly image: string;
  readonly policy: string | undefined;
  readonly currentTag: string | undefined;
  readonly latestTag: string | undefined;
  readonly waitingFor: WaitingFor | undefined;
  readonly releaseLinks: ReleaseLinks | undefined;
  readonly status: Exclude<ViewStatus, 'unchecked'>;
  readonly currentDigest: string | undefined;
  readonly latestDigest: string | undefined;
  readonly reason: string | undefined;
  readonly at: number;
}

interface Row {
  readonly container: ContainerSummary;
  readonly status: ViewStatus;
  readonly reason: string | undefined;
  readonly checked: Checked | undefined;
  readonly copies: readonly ContainerCopy[];
}

const POLICY_LABEL = 'tidewatch.policy';
const PROJECT_LABELS = ['com.docker.compose.project', 'com.docker.stack.namespace'];

/**
 * The containers as the API shows them: the engine's list (so a container appears before its first
 * check and disappears once removed), joined with what the last check said of each (from
 * container-checked events) and with its last update from the history.
 */
export class ContainerView {
  private readonly checked = new Map<string, Checked>();
  // A container's image reference never changes for its id: inspect each unchecked one once.
  private readonly images = new Map<string, string | null>();

  constructor(
    private readonly deps: ApiDaemon['deps'],
    private readonly clock: () => number = Date.now,
  ) {}

  observe(event: TidewatchEvent): void {
    if (event.type === 'container-checked') {
      this.checked.set(event.container, {
        image: event.image,
        status: event.status,
        currentDigest: event.currentDigest,
        latestDigest: event.latestDigest,
        reason: event.reason,
        policy: event.policy,
        currentTag: event.currentTag,
        latestTag: event.latestTag,
        waitingFor: event.waitingFor,
        releaseLinks: event.releaseLinks,
        at: this.clock(),
      });
    } else if (event.type === 'update-step' && event.update.state === 'committed') {
      const before = this.checked.get(event.update.containerName);
      // Committed: the container now runs what the check found; until the next check says otherwise.
      if (before) {
        this.checked.set(event.update.containerName, {
          ...before,
          status: 'current',
          currentDigest: event.update.toDigest ?? before.latestDigest,
          currentTag: event.update.toTag ?? before.latestTag,
          image: event.update.toTag && before.image ? retag(before.image, event.update.toTag) : before.image,
          reason: undefined,
          waitingFor: undefined,
          releaseLinks: undefined,
        });
      }
    }
  }

  /**
   * The release links the last check found for `container`'s update to `digest`, for an approval
   * of it; null when that check saw another digest (approvals keep no links of their own).
   */
  releaseLinksFor(container: string, digest: string): ReleaseLinks | null {
    const checked = this.checked.get(container);
    return checked?.latestDigest === digest ? (checked.releaseLinks ?? null) : null;
  }

  async list(): Promise<ContainerInfo[]> {
    const rows = await this.rows();
    const present = new Set(rows.map((row) => row.container.id));
    for (const id of this.images.keys()) if (!present.has(id)) this.images.delete(id);
    const limit = pLimit(8);
    return Promise.all(rows.map((row) => limit(() => this.describe(row))));
  }

  async get(name: string): Promise<ContainerInfo | undefined> {
    const row = (await this.rows()).find((candidate) => candidate.container.name === name);
    return row === undefined ? undefined : this.describe(row);
  }

  async countByStatus(): Promise<Record<ViewStatus, number>> {
    const counts = Object.fromEntries(VIEW_STATUSES.map((status) => [status, 0])) as Record<
      ViewStatus,
      number
    >;
    for (const row of await this.rows()) counts[row.status] += 1;
    return counts;
  }

  /** The containers a cycle would look at (this instance's scope), with their check status. */
  private async rows(): Promise<Row[]> {
    const { engine, settings, selfId } = this.deps;
    const { containers, copies } = withoutCopies(await engine.listContainers({ all: true }));
    const { selections } = selectContainers(containers, { ...settings, names: [], selfId });
    return selections
      .map((selection): Row => {
        const checked = this.checked.get(selection.container.name);
        const own = copies.get(selection.container.name) ?? [];
        if (selection.kind === 'watch') {
          return {
            container: selection.container,
            status: checked?.status ?? 'unchecked',
            reason: checked?.reason,
            checked,
            copies: own,
          };
        }
        const status = selection.kind === 'skip' ? 'skipped' : 'unknown';
        return { container: selection.container, status, reason: selection.reason, checked, copies: own };
      })
      .sort((a, b) => byCodePoint(a.container.name, b.container.name));
  }

  private async describe(row: Row): Promise<ContainerInfo> {
    const { container, checked } = row;
    const image = checked?.image ? checked.image : await this.imageOf(container.id);
    const last = this.deps.store.history.list({ container: container.name, limit: 1 }).items[0];
    return {
      name: container.name,
      id: container.id,
      state: container.state,
      image,
      tag: tagOf(image),
      status: row.status,
      currentDigest: checked?.currentDigest ?? null,
      latestDigest: checked?.latestDigest ?? null,
      reason: row.reason ?? null,
      checkedAt: checked?.at ?? null,
      policy: checked?.policy ?? container.labels[POLICY_LABEL] ?? 'digest',
      updateKind:
        row.status === 'update-available'
          ? updateKind(checked?.currentTag ?? tagOf(image) ?? undefined, checked?.latestTag)
          : null,
      latestTag: checked?.latestTag ?? null,
      waitingFor: checked?.waitingFor ?? null,
      releaseLinks: checked?.releaseLinks ?? null,
      lastUpdate: last === undefined ? null : lastUpdate(last),
      heldBack: this.heldBack(container.name, checked),
      project: PROJECT_LABELS.map((label) => container.labels[label]).find(Boolean) ?? null,
      copies: row.copies,
    };
  }

  /** The rolled-back digest the last check found again, which is not applied until forgotten. */
  private heldBack(name: string, checked: Checked | undefined): HeldBack | null {
    const digest = checked?.status === 'update-available' ? checked.latestDigest : undefined;
    if (digest === undefined) return null;
    const bad = this.deps.store.badDigests.list(name).find((entry) => entry.digest === digest);
    return bad === undefined ? null : { digest, reason: bad.reason, rolledBackAt: bad.recordedAt };
  }

  private async imageOf(id: string): Promise<string | null> {
    const known = this.images.get(id);
    if (known !== undefined) return known;
    const details = await this.deps.engine.inspectContainer(id);
    const image = details?.config.Image ?? null;
    if (details) this.images.set(id, image);
    return image;
  }
}

/**
 * Tidewatch's parked and temporary copies, taken out of the list and keyed by the container they
 * are copies of; they show inside its row. Between the renames of a start-first switch the name
 * itself may be free for a moment: the copy then stands in for it, under its name.
 */
function withoutCopies(all: readonly ContainerSummary[]): {
  containers: ContainerSummary[];
  copies: Map<string, ContainerCopy[]>;
} {
  const copies = new Map<string, ContainerCopy[]>();
  const stand = new Map<string, ContainerSummary>();
  const containers: ContainerSummary[] = [];
  for (const container of all) {
    const copy = copyOf(container.name);
    if (copy === undefined) {
      containers.push(container);
      continue;
    }
    copies.set(copy.of, [
      ...(copies.get(copy.of) ?? []),
      { name: container.name, id: container.id, role: copy.role, state: container.state },
    ]);
    // The parked original rather than its successor, which is not verified yet.
    if (!stand.has(copy.of) || copy.role === 'old') stand.set(copy.of, { ...container, name: copy.of });
  }
  const names = new Set(containers.map((container) => container.name));
  for (const [name, container] of stand) if (!names.has(name)) containers.push(container);
  return { containers, copies };
}

/** `repo:1.0` with its tag replaced: the reference a tag update moved the container to. */
function retag(image: string, tag: string): string {
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? `${image.slice(0, colon)}:${tag}` : `${image}:${tag}`;
}

function tagOf(image: string | null): string | null {
  if (image === null || image === '') return null;
  try {
    return parseImageRef(image).tag ?? null;
  } catch {
    return null;
  }
}

function lastUpdate(record: UpdateRecord): LastUpdate {
  return {
    id: record.id,
    state: record.state,
    trigger: record.trigger,
    fromDigest: record.fromDigest,
    toDigest: record.toDigest,
    reason: record.reason,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
  };
}
