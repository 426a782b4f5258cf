import { describe, expect, it } from 'vitest';
import type { Platform } from '../../src/domain/image.js';
import { isAttestation, selectPlatformEntry, type PlatformEntry } from '../../src/registry/platform.js';

const entry = (digest: string, os: string, architecture: string, variant?: string): PlatformEntry => ({
  digest,
  platform: variant === undefined ? { os, architecture } : { os, architecture, variant },
});

const attestation: PlatformEntry = {
  digest: 'att',
  platform: { os: 'unknown', architecture: 'unknown' },
  annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': 'amd' },
};

const typical: PlatformEntry[] = [
  attestation,
  entry('amd', 'linux', 'amd64'),
  entry('arm64', 'linux', 'arm64', 'v8'),
  entry('armv7', 'linux', 'arm', 'v7'),
  entry('armv6', 'linux', 'arm', 'v6'),
  entry('win', 'windows', 'amd64'),
];

describe('selectPlatformEntry', () => {
  const cases: { name: string; entries: PlatformEntry[]; local: Platform; expected: string | undefined }[] = [
    { name: 'amd64', entries: typical, local: { os: 'linux', architecture: 'amd64' }, expected: 'amd' },
    {
      name: 'arm64 without variant matches v8',
      entries: typical,
      local: { os: 'linux', architecture: 'arm64' },
      expected: 'arm64',
    },
    {
      name: 'arm64 v8 matches an entry without variant',
      entries: [entry('a', 'linux', 'arm64')],
      local: { os: 'linux', architecture: 'arm64', variant: 'v8' },
      expected: 'a',
    },
    {
      name: 'numeric variant "8" is v8',
      entries: [entry('a', 'linux', 'arm64', '8')],
      local: { os: 'linux', architecture: 'arm64', variant: 'v8' },
      expected: 'a',
    },
    {
      name: 'arm v6 picks the v6 entry, not v7',
      entries: typical,
      local: { os: 'linux', architecture: 'arm', variant: 'v6' },
      expected: 'armv6',
    },
    {
      name: 'arm without variant means v7',
      entries: typical,
      local: { os: 'linux', architecture: 'arm' },
      expected: 'armv7',
    },
    {
      name: 'uname names are aliases (x86_64, aarch64)',
      entries: typical,
      local: { os: 'linux', architecture: 'x86_64' },
      expected: 'amd',
    },
    { name: 'aarch64', entries: typical, local: { os: 'linux', architecture: 'aarch64' }, expected: 'arm64' },
    { name: 'windows', entries: typical, local: { os: 'windows', architecture: 'amd64' }, expected: 'win' },
    {
      name: 'no entry for s390x',
      entries: typical,
      local: { os: 'linux', architecture: 's390x' },
      expected: undefined,
    },
    {
      name: 'arm v5 does not take a v7 image',
      entries: [entry('armv7', 'linux', 'arm', 'v7')],
      local: { os: 'linux', architecture: 'arm', variant: 'v5' },
      expected: undefined,
    },
    {
      name: 'unknown arch with a variant on the entry only, local without: lenient',
      entries: [entry('rv', 'linux', 'riscv64', 'rva22')],
      local: { os: 'linux', architecture: 'riscv64' },
      expected: 'rv',
    },
    {
      name: 'an attestation annotated entry is skipped even with a real-looking platform',
      entries: [
        { ...entry('att', 'linux', 'amd64'), annotations: attestation.annotations },
        entry('amd', 'linux', 'amd64'),
      ],
      local: { os: 'linux', architecture: 'amd64' },
      expected: 'amd',
    },
    {
      name: 'entries without a platform are skipped',
      entries: [{ digest: 'bare' }, entry('amd', 'linux', 'amd64')],
      local: { os: 'linux', architecture: 'amd64' },
      expected: 'amd',
    },
    {
      name: 'only attestations: nothing',
      entries: [attestation],
      local: { os: 'linux', architecture: 'amd64' },
      expected: undefined,
    },
  ];

  it.each(cases)('$name', ({ entries, local, expected }) => {
    expect(selectPlatformEntry(entries, local)?.digest).toBe(expected);
  });
});

describe('isAttestation', () => {
  it('recognises the unknown/unknown platform and the annotation', () => {
    expect(isAttestation(attestation)).toBe(true);
    expect(isAttestation({ digest: 'x', platform: { os: 'unknown', architecture: 'unknown' } })).toBe(true);
    expect(isAttestation(entry('amd', 'linux', 'amd64'))).toBe(false);
  });
});
