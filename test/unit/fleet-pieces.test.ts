import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePromotionRules } from '../../src/config/promotion.js';
import { FleetTargets } from '../../src/fleet/index.js';
import { parseImageRef } from '../../src/domain/index.js';
import { storeFile, withFleetTokens } from '../../src/store/index.js';

const D1 = `sha256:${'a'.repeat(64)}`;
const D2 = `sha256:${'b'.repeat(64)}`;
const signal = new AbortController().signal;
const platform = { os: 'linux', architecture: 'amd64' };

describe('promotion rules', () => {
  it.each([
    [
      'r.example/app:live=r.example/app:stable',
      { from: 'r.example/app:live', to: 'r.example/app:stable', afterWave: null },
    ],
    [
      'r.example/app:live=prod.example:5000/team/app:stable@1',
      { from: 'r.example/app:live', to: 'prod.example:5000/team/app:stable', afterWave: 1 },
    ],
  ])('%s', (text, rule) => {
    expect(parsePromotionRules([text], '--promote')).toEqual([rule]);
  });

  it.each([
    ['app:live', /expected FROM=TO/],
    ['app:live=app:live', /the same reference/],
    [`app@${D1}=app:stable`, /pinned to a digest/],
    ['app:live=app:stable@x', /expected FROM=TO/],
    ['app:live=UPPER/app:stable', /promotion rule "app:live=UPPER\/app:stable"/],
  ])('refuses %s with one line naming the source', (text, message) => {
    expect(() => parsePromotionRules([text], 'TIDEWATCH_PROMOTE')).toThrow(message);
    expect(() => parsePromotionRules([text], 'TIDEWATCH_PROMOTE')).toThrow(/^TIDEWATCH_PROMOTE: /);
  });
});

describe("a member's registry (its targets)", () => {
  const targets = new FleetTargets();
  const session = () => targets.source.session();
  const ref = parseImageRef('r.example/app:live');
  const image = (digest: string) => ({
    id: 'sha256:cfg',
    repoDigests: [`r.example/app@${digest}`],
    platform,
  });

  it('is current for every reference without a target, and never asks a registry', async () => {
    expect(await session().resolve(ref, image(D1), signal)).toEqual({ kind: 'current', remoteDigest: D1 });
    expect(await session().listTags(ref, signal)).toMatchObject({
      kind: 'error',
      message: /does not ask registries/,
    });
    expect(await session().tagDigest(ref, signal)).toMatchObject({ kind: 'error' });
  });

  it('offers the target digest until the image carries it', async () => {
    targets.set([{ ref: 'r.example/app:live', digest: D2, rollout: 1 }]);
    expect(await session().resolve(ref, image(D1), signal)).toEqual({
      kind: 'update-available',
      remoteDigest: D2,
    });
    expect(await session().resolve(ref, image(D2), signal)).toEqual({ kind: 'current', remoteDigest: D2 });
    // Another tag of the same repository has no target.
    expect((await session().resolve(parseImageRef('r.example/app:other'), image(D1), signal)).kind).toBe(
      'current',
    );
    expect(targets.refs()).toEqual(['r.example/app:live']);
  });
});

describe('member tokens', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tidewatch-fleet-tokens-'));
  const file = storeFile(dir);
  let now = 1000;
  const clock = () => now;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are created on a store that does not exist yet, kept only as a hash, and name their member', () => {
    const token = withFleetTokens(file, clock, (tokens) => tokens.create('edge-1'));
    expect(token).toMatch(/^twm_[A-Za-z0-9_-]{43}$/);
    expect(withFleetTokens(file, clock, (tokens) => tokens.memberOf(token))).toBe('edge-1');
    expect(withFleetTokens(file, clock, (tokens) => tokens.memberOf(`${token}x`))).toBeUndefined();
    expect(withFleetTokens(file, clock, (tokens) => tokens.list())).toEqual([
      { member: 'edge-1', createdAt: 1000, revokedAt: null },
    ]);
  });

  it('a new token replaces the old one; a revoked one names nobody', () => {
    const first = withFleetTokens(file, clock, (tokens) => tokens.create('edge-2'));
    now = 2000;
    const second = withFleetTokens(file, clock, (tokens) => tokens.create('edge-2'));
    expect(
      withFleetTokens(file, clock, (tokens) => [tokens.memberOf(first), tokens.memberOf(second)]),
    ).toEqual([undefined, 'edge-2']);
    expect(withFleetTokens(file, clock, (tokens) => tokens.revoke('edge-2'))).toBe(true);
    expect(withFleetTokens(file, clock, (tokens) => tokens.revoke('edge-2'))).toBe(false);
    expect(withFleetTokens(file, clock, (tokens) => tokens.memberOf(second))).toBeUndefined();
  });
});
