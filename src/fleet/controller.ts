import pLimit from 'p-limit';
import { describeError } from '../domain/errors.js';
import { parseImageRef } from '../domain/index.js';
import type { Logger } from '../log/index.js';
import type { RegistryClient } from '../registry/index.js';
import type { FleetBadDigests, FleetTokens } from '../store/index.js';
import type { PromotionRule } from '../config/promotion.js';
import type { FleetTarget, MemberReport } from './protocol.js';
import { Rollouts, type FleetMember, type RolloutEvent } from './rollouts.js';
import { Promotions, type CopyImage } from './promotions.js';
import { fleetView, type FleetView } from './view.js';

/** How the controller reaches a connected member: its open stream. */
export interface MemberStream {
  sendTargets(targets: readonly FleetTarget[]): void;
  close(): void;
}

export interface ControllerDeps {
  readonly registry: Pick<RegistryClient, 'session'>;
  readonly tokens: Pick<FleetTokens, 'memberOf'>;
  readonly badDigests: FleetBadDigests;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly soakMs: number;
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly promote: readonly PromotionRule[];
  readonly copyImage: CopyImage;
  /** Told of every rollout event (the events bus: notifications, the live stream). */
  readonly onEvent?: ((event: RolloutEvent) => void) | undefined;
}

/** How often rollouts are moved on (soaks ending, timeouts) and streams checked for revoked tokens. */
const TICK_MS = 1000;
/** Registry checks in flight at once; the registry client adds its own per-registry limits. */
const CHECKS_AT_ONCE = 16;

const badKey = (ref: string, digest: string): string => `${ref}@${digest}`;

/**
 * A fleet controller (docs/fleet.md): knows the members from their reports, checks each distinct
 * reference of the whole fleet once per cycle, and moves each new digest through the waves by
 * telling every member the digests it should run (its targets). It never touches a member's
 * engine: each member updates, verifies and rolls back by itself, and says what happened.
 */
export class FleetController {
  readonly rollouts: Rollouts;
  private readonly members = new Map<string, FleetMember>();
  private readonly streams = new Map<string, { stream: MemberStream; token: string }>();
  private readonly sent = new Map<string, string>();
  private readonly bad = new Set<string>();
  /** The references the last check asked the registry about. */
  private checkedRefs = new Set<string>();
  /** Interned references and digests (see report); rebuilt from the members at each check. */
  private strings = new Map<string, string>();
  private readonly promotions: Promotions;
  private timers: NodeJS.Timeout[] = [];
  private checking: Promise<void> | undefined;
  private recheck: NodeJS.Timeout | undefined;
  private readonly stopping = new AbortController();

  constructor(private readonly deps: ControllerDeps) {
    for (const entry of deps.badDigests.list()) this.bad.add(badKey(entry.ref, entry.digest));
    this.rollouts = new Rollouts({ soakMs: deps.soakMs, timeoutMs: deps.timeoutMs }, (ref, digest) =>
      this.bad.has(badKey(ref, digest)),
    );
    this.promotions = new Promotions(deps.promote, deps.copyImage, deps.logger);
  }

  start(): void {
    this.timers = [
      setInterval(() => this.tick(), TICK_MS),
      setInterval(() => void this.check(), this.deps.intervalMs),
    ];
    for (const timer of this.timers) timer.unref();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    for (const timer of this.timers) clearInterval(timer);
    clearTimeout(this.recheck);
    for (const { stream } of this.streams.values()) stream.close();
    this.streams.clear();
    await this.checking;
    await this.promotions.settled();
  }

  /** The member a token belongs to, when it is live and names `claimed`. */
  authenticate(token: string, claimed: string): { member: string } | { refused: string } {
    const member = this.deps.tokens.memberOf(token);
    if (member === undefined) return { refused: 'unknown or revoked member token' };
    if (member !== claimed) return { refused: `the token is member ${member}'s, not ${claimed}'s` };
    return { member };
  }

  /** A member's stream opened: it is online, and gets its targets at once. */
  connect(name: string, wave: number, token: string, stream: MemberStream): () => void {
    this.streams.get(name)?.stream.close();
    this.streams.set(name, { stream, token });
    this.sent.delete(name);
    const member = this.member(name);
    member.online = true;
    member.wave = wave;
    this.deps.logger.info({ member: name, wave }, 'fleet member connected');
    this.push([name]);
    return () => {
      if (this.streams.get(name)?.stream !== stream) return;
      this.streams.delete(name);
      member.online = false;
      member.lastSeen = this.deps.clock();
      this.deps.logger.info({ member: name }, 'fleet member disconnected');
    };
  }

  /** A member's report: its containers and what it did. */
  report(name: string, report: MemberReport): void {
    const member = this.member(name);
    member.version = report.version;
    member.wave = report.wave;
    // Every member names the same references and digests: one string each, not one per member.
    member.containers = report.containers.map((c) => ({
      name: c.name,
      ref: this.intern(c.ref),
      digest: c.digest === null ? null : this.intern(c.digest),
    }));
    const now = this.deps.clock();
    const moved =
      this.handle(this.rollouts.outcomes(name, report.outcomes, now)) +
      this.handle(this.rollouts.advance(this.members, now));
    // A rollout that moved may change anyone's targets; otherwise only this member's can have.
    this.push(moved > 0 ? undefined : [name]);
    // A reference the last check did not cover is checked soon, not at the next interval.
    if (member.containers.some((c) => !this.checkedRefs.has(c.ref))) this.checkSoon();
  }

  /** One registry check of every distinct reference the fleet runs; at most one request each. */
  check(): Promise<void> {
    this.checking ??= this.checkAll().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  private async checkAll(): Promise<void> {
    const started = this.deps.clock();
    const session = this.deps.registry.session();
    const limit = pLimit(CHECKS_AT_ONCE);
    const signal = this.stopping.signal;
    const refs = [...this.refs()];
    this.checkedRefs = new Set(refs);
    const found = await Promise.all(
      refs.map((ref) =>
        limit(async () => {
          try {
            const answer = await session.tagDigest(parseImageRef(ref), signal);
            if (answer.kind === 'digest') return { ref, digest: answer.digest };
            this.deps.logger.warn({ ref, reason: answer.message }, 'fleet check failed');
          } catch (error) {
            if (!signal.aborted)
              this.deps.logger.warn({ ref, reason: describeError(error) }, 'fleet check failed');
          }
          return undefined;
        }),
      ),
    );
    this.strings = new Map();
    for (const member of this.members.values()) {
      for (const c of member.containers) {
        this.intern(c.ref);
        if (c.digest !== null) this.intern(c.digest);
      }
    }
    const now = this.deps.clock();
    for (const entry of found) {
      if (entry) this.handle(this.rollouts.observe(entry.ref, entry.digest, this.members.values(), now));
    }
    this.handle(this.rollouts.advance(this.members, now));
    this.push();
    const durationMs = this.deps.clock() - started;
    this.deps.logger.info(
      { refs: refs.length, members: this.members.size, durationMs },
      'fleet check finished',
    );
  }

  private checkSoon(): void {
    if (this.recheck) return;
    this.recheck = setTimeout(() => {
      this.recheck = undefined;
      void this.check();
    }, 200);
    this.recheck.unref();
  }

  private tick(): void {
    // A revoked token ends its stream; the member's next connection is refused.
    for (const [name, { stream, token }] of this.streams) {
      if (this.deps.tokens.memberOf(token) !== name) {
        this.deps.logger.warn({ member: name }, 'fleet member token revoked: disconnected');
        stream.close();
      }
    }
    // Targets change only when a rollout moves (a soak ended, a timeout ran out).
    if (this.handle(this.rollouts.advance(this.members, this.deps.clock())) > 0) this.push();
  }

  /**
   * Sends connected members (`names`, or all) their targets when they changed since the last they
   * were sent.
   */
  private push(names: Iterable<string> = this.streams.keys()): void {
    for (const name of names) {
      const stream = this.streams.get(name)?.stream;
      const member = this.members.get(name);
      if (!stream || !member) continue;
      const targets = this.rollouts.targetsFor(member);
      const text = JSON.stringify(targets);
      if (this.sent.get(name) === text) continue;
      this.sent.set(name, text);
      stream.sendTargets(targets);
    }
  }

  /** Logs and acts on rollout events; returns how many there were. */
  private handle(events: readonly RolloutEvent[]): number {
    for (const event of events) {
      const { rollout } = event;
      const about = { rollout: rollout.id, ref: rollout.ref, digest: rollout.digest };
      switch (event.kind) {
        case 'started':
          this.deps.logger.info(about, 'rollout started');
          break;
        case 'wave-passed':
          this.deps.logger.info({ ...about, wave: event.wave }, 'rollout wave passed');
          this.promotions.afterWave(rollout, event.wave);
          break;
        case 'done':
          this.deps.logger.info(about, 'rollout done');
          this.promotions.afterDone(rollout);
          break;
        case 'skipped':
          this.deps.logger.warn(
            { ...about, member: event.member },
            'rollout skipped a member: it did not commit in time',
          );
          break;
        case 'halted':
          this.bad.add(badKey(rollout.ref, rollout.digest));
          this.deps.badDigests.mark({
            ref: rollout.ref,
            digest: rollout.digest,
            member: event.failure.member,
            reason: event.failure.reason,
          });
          this.deps.logger.error({ ...about, ...event.failure }, 'rollout halted: rolled back on a member');
          break;
      }
      this.deps.onEvent?.(event);
    }
    return events.length;
  }

  private intern(text: string): string {
    const known = this.strings.get(text);
    if (known !== undefined) return known;
    this.strings.set(text, text);
    return text;
  }

  private member(name: string): FleetMember {
    let member = this.members.get(name);
    if (!member) {
      member = { name, wave: 0, version: '', online: false, lastSeen: this.deps.clock(), containers: [] };
      this.members.set(name, member);
    }
    member.lastSeen = this.deps.clock();
    return member;
  }

  private refs(): Set<string> {
    const refs = new Set<string>();
    for (const member of this.members.values()) for (const c of member.containers) refs.add(c.ref);
    return refs;
  }

  /** What `fleet status`, `fleet rollouts`, the API and the dashboard show (view.ts). */
  view(): FleetView {
    return fleetView([...this.members.values()], this.rollouts, (id) => this.promotions.of(id));
  }
}
