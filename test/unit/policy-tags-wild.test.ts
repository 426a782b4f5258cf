import { describe, expect, it } from 'vitest';
import {
  chooseTag,
  compareTags,
  parsePolicy,
  parseTag,
  sameShape,
  updateKind,
  type UpdateKind,
} from '../../src/policy/index.js';

/**
 * Tags as popular images publish them (taken from their registries' tag lists), grouped by image.
 *
 * A pair says how Tidewatch reads a move from one tag to another: `<` newer, `>` older, `=` the
 * same release, `apart` a different shape (never compared), and the update kind shown for it.
 * A list says which tag a container on `current` moves to under patch, minor and major
 * (undefined: none, its tag's digest is followed).
 */
type Order = '<' | '>' | '=' | 'apart';
type Pair = readonly [from: string, to: string, order: Order, kind: UpdateKind];
type Choice = string | undefined;
type List = readonly [current: string, tags: readonly string[], patch: Choice, minor: Choice, major: Choice];

interface Group {
  readonly image: string;
  readonly pairs: readonly Pair[];
  readonly lists?: readonly List[];
}

const GROUPS: readonly Group[] = [
  {
    image: 'python (pre-releases without a dash)',
    pairs: [
      ['3.12.7', '3.13.0', '<', 'minor'],
      ['3.13.0rc2', '3.13.0', '<', 'patch'],
      ['3.13.0rc1', '3.13.0rc2', '<', 'prerelease'],
      ['3.12.0a4', '3.12.0b1', '<', 'prerelease'],
      ['3.7.0b1', '3.7.0', '<', 'patch'],
      ['3.13.0', '3.13.0rc2', '>', 'prerelease'],
      ['3.12.7-slim', '3.12.8-slim', '<', 'patch'],
      ['3.12.7-slim', '3.12.8', 'apart', 'tag'],
      ['3.12-slim-bookworm', '3.13-slim-bookworm', '<', 'minor'],
      ['3.13.0rc2-alpine3.20', '3.13.0-alpine3.20', '<', 'patch'],
      ['3.12', '3.12.7', 'apart', 'tag'],
      ['3', '3.12', 'apart', 'tag'],
      ['3.11-alpine3.20', '3.11-alpine3.19', 'apart', 'tag'],
    ],
    lists: [
      [
        '3.12.7',
        ['3.12.8', '3.13.0rc2', '3.13.0', '3.13.1', '3.14.0a1', '3.13', '3.13-slim'],
        '3.12.8',
        '3.13.1',
        '3.13.1',
      ],
      // On a pre-release, pre-releases are candidates too.
      ['3.13.0rc2', ['3.13.0rc1', '3.13.0', '3.13.1', '3.14.0a1', '3.13'], '3.13.1', '3.14.0a1', '3.14.0a1'],
      [
        '3.12.7-slim-bookworm',
        ['3.12.8-slim-bookworm', '3.13.0-slim-bookworm', '3.13.0rc2-slim-bookworm', '3.12.8-slim', '3.12.8'],
        '3.12.8-slim-bookworm',
        '3.13.0-slim-bookworm',
        '3.13.0-slim-bookworm',
      ],
      ['3.7.0b1', ['3.7.0b2', '3.7.0rc1', '3.7.0', '3.7.1'], '3.7.1', '3.7.1', '3.7.1'],
    ],
  },
  {
    image: 'ubuntu (two-digit-year releases)',
    pairs: [
      ['20.04', '22.04', '<', 'date'],
      ['22.04', '24.04', '<', 'date'],
      // 24.10 cannot be told from a version 24.10 (see docs/policies.md).
      ['24.04', '24.10', 'apart', 'tag'],
      ['22.04.1', '22.04.2', '<', 'patch'],
      ['22.04', '22.04.1', 'apart', 'tag'],
      ['4.6.2', '20.04.1', 'apart', 'tag'],
      ['jammy', 'noble', 'apart', 'tag'],
      ['jammy-20240911', 'jammy-20241011', 'apart', 'tag'],
      ['24.04', '20.04', '>', 'date'],
    ],
    lists: [
      [
        '20.04',
        ['18.04', '20.04', '20.10', '21.04', '22.04', '22.10', '24.04', '24.10', 'jammy', 'latest'],
        undefined,
        undefined,
        '24.04',
      ],
      // The confusion the shape rule exists to prevent: a version never becomes an Ubuntu release.
      ['4.6.2', ['4.6.3', '4.7.0', '20.04.1', '22.04'], '4.6.3', '4.7.0', '4.7.0'],
      ['22.04.1', ['22.04.2', '22.04.3', '24.04.1', '22.04'], '22.04.3', '22.04.3', '24.04.1'],
    ],
  },
  {
    image: 'node',
    pairs: [
      ['20.9.0', '20.10.0', '<', 'minor'],
      ['20.18.0', '22.11.0', '<', 'major'],
      ['18', '20', '<', 'major'],
      ['20-alpine', '22-alpine', '<', 'major'],
      ['20.18.0-alpine3.20', '20.18.1-alpine3.20', '<', 'patch'],
      ['20.18.0-alpine3.20', '20.18.1-alpine3.21', 'apart', 'tag'],
      ['20.18.0-bookworm-slim', '22.11.0-bookworm-slim', '<', 'major'],
      ['lts', 'current', 'apart', 'tag'],
      ['20.10.0', '20.9.0', '>', 'minor'],
      ['23.0.0', '23.1.0', '<', 'minor'],
    ],
    lists: [
      [
        '20.9.0',
        ['20.10.0', '20.18.1', '21.0.0', '22.11.0', '20.18.1-alpine'],
        undefined,
        '20.18.1',
        '22.11.0',
      ],
      [
        '20-alpine',
        ['20', '21-alpine', '22-alpine', '22-alpine3.20', '22.11-alpine'],
        undefined,
        undefined,
        '22-alpine',
      ],
      [
        '18.20.4-bookworm-slim',
        ['18.20.5-bookworm-slim', '20.18.1-bookworm-slim', '18.20.5-bookworm', '18.20.5'],
        '18.20.5-bookworm-slim',
        '18.20.5-bookworm-slim',
        '20.18.1-bookworm-slim',
      ],
    ],
  },
  {
    image: 'postgres',
    pairs: [
      ['16.4', '16.6', '<', 'minor'],
      ['12.9', '12.10', '<', 'minor'],
      ['16', '17', '<', 'major'],
      ['17beta3', '17rc1', '<', 'prerelease'],
      ['17rc1', '17', '<', 'patch'],
      ['16.4-alpine', '16.4-alpine3.20', 'apart', 'tag'],
      ['16.4-bookworm', '17.2-bookworm', '<', 'major'],
      ['17beta3-bookworm', '17rc1-bookworm', '<', 'prerelease'],
      ['16-alpine', '16', 'apart', 'tag'],
    ],
    lists: [
      ['12.9', ['12.10', '12.22', '13.18', '16.6', '17.2', '12'], undefined, '12.22', '17.2'],
      ['17rc1', ['17beta3', '17rc1', '17', '17.1', '18beta1'], '17', '17', '18beta1'],
      [
        '16.4-alpine',
        ['16.5-alpine', '16.6-alpine', '16.6-alpine3.20', '17.2-alpine', '16.6'],
        undefined,
        '16.6-alpine',
        '17.2-alpine',
      ],
    ],
  },
  {
    image: 'nginx',
    pairs: [
      ['1.27.2', '1.27.3', '<', 'patch'],
      ['1.26.2', '1.27.3', '<', 'minor'],
      ['1.27.2-alpine', '1.27.3-alpine', '<', 'patch'],
      ['1.27-alpine-slim', '1.27-alpine', 'apart', 'tag'],
      ['1.26.2-perl', '1.27.3-perl', '<', 'minor'],
      ['mainline', 'stable', 'apart', 'tag'],
      ['1.27.2-alpine3.20-perl', '1.27.3-alpine3.20-perl', '<', 'patch'],
      ['1.27', '1.27.3', 'apart', 'tag'],
    ],
    lists: [
      [
        '1.27.2',
        ['1.27.3', '1.28.0', '1.27.3-alpine', 'mainline', 'stable', '1.27'],
        '1.27.3',
        '1.28.0',
        '1.28.0',
      ],
      [
        '1.27.2-alpine-slim',
        ['1.27.3-alpine-slim', '1.27.3-alpine', '1.27.3'],
        '1.27.3-alpine-slim',
        '1.27.3-alpine-slim',
        '1.27.3-alpine-slim',
      ],
    ],
  },
  {
    image: 'linuxserver/plex, linuxserver/nginx, linuxserver/sonarr (build numbers)',
    pairs: [
      ['1.43.3-ls132', '1.43.3-ls133', '<', 'patch'],
      ['1.41.2.9200-c6bbc1b53-ls241', '1.41.2.9200-c6bbc1b53-ls242', '<', 'patch'],
      ['1.41.2.9200-c6bbc1b53-ls241', '1.41.3.9314-a0bfb8370-ls243', '<', 'patch'],
      ['1.26.2-r3-ls292', '1.26.2-r3-ls293', '<', 'patch'],
      ['1.26.2-r3-ls292', '1.26.2-r4-ls293', '<', 'patch'],
      ['1.26.2-r3-ls292', '1.26.2-ls293', 'apart', 'tag'],
      ['4.0.9.2244-ls250', '4.0.10.2544-ls251', '<', 'patch'],
      ['version-1.41.2.9200-c6bbc1b53', 'version-1.41.3.9314-a0bfb8370', 'apart', 'tag'],
      ['2024.10.1-ls10', '2024.11.0-ls12', '<', 'date'],
    ],
    lists: [
      [
        '1.43.3-ls132',
        ['1.43.3-ls133', '1.43.4-ls134', '1.44.0-ls135', '1.44.0'],
        '1.43.4-ls134',
        '1.44.0-ls135',
        '1.44.0-ls135',
      ],
      [
        '1.41.2.9200-c6bbc1b53-ls241',
        ['1.41.2.9200-c6bbc1b53-ls242', '1.41.3.9314-a0bfb8370-ls243', '1.42.1.10060-4e8b05daf-ls244'],
        '1.41.3.9314-a0bfb8370-ls243',
        '1.42.1.10060-4e8b05daf-ls244',
        '1.42.1.10060-4e8b05daf-ls244',
      ],
    ],
  },
  {
    image: 'plexinc/pms-docker (version, build, commit)',
    pairs: [
      ['1.43.3.10896-cb3ebc72d', '1.43.3.10897-abcdef123', '<', 'patch'],
      ['1.41.2.9200-c6bbc1b53', '1.41.3.9314-a0bfb8370', '<', 'patch'],
      ['1.41.3.9314-a0bfb8370', '1.42.1.10060-4e8b05daf', '<', 'minor'],
      ['1.41.3.9314-a0bfb8370', '1.41.3.9314-a0bfb8370', '=', 'digest'],
      ['public', 'beta', 'apart', 'tag'],
      ['1.41.3.9314-a0bfb8370', 'latest', 'apart', 'tag'],
    ],
    lists: [
      [
        '1.41.2.9200-c6bbc1b53',
        ['1.41.3.9314-a0bfb8370', '1.42.1.10060-4e8b05daf', 'public', 'beta', 'latest'],
        '1.41.3.9314-a0bfb8370',
        '1.42.1.10060-4e8b05daf',
        '1.42.1.10060-4e8b05daf',
      ],
    ],
  },
  {
    image: 'checkmk/check-mk-raw (patch-letter releases)',
    pairs: [
      ['2.5.0p13', '2.5.0p14', '<', 'patch'],
      ['2.3.0', '2.3.0p1', '<', 'patch'],
      ['2.3.0p1', '2.3.0', '>', 'patch'],
      ['2.3.0b4', '2.3.0', '<', 'patch'],
      ['2.3.0b3', '2.3.0b4', '<', 'prerelease'],
      ['2.3.0p20', '2.4.0p1', '<', 'minor'],
      ['2.3.0p9', '2.3.0p10', '<', 'patch'],
      ['2.4.0-2024.10.15', '2.4.0-2024.10.16', 'apart', 'tag'],
    ],
    lists: [
      [
        '2.5.0p13',
        ['2.5.0p12', '2.5.0p14', '2.5.0p15', '2.6.0b1', '2.6.0', '2.5.0-latest', '2.5.0'],
        '2.5.0p15',
        '2.6.0',
        '2.6.0',
      ],
      ['2.3.0', ['2.3.0p1', '2.3.0p2', '2.3.0b4'], '2.3.0p2', '2.3.0p2', '2.3.0p2'],
    ],
  },
  {
    image: 'gitlab/gitlab-ce',
    pairs: [
      ['17.5.1-ce.0', '17.5.2-ce.0', '<', 'patch'],
      ['17.5.2-ce.0', '17.6.0-ce.0', '<', 'minor'],
      ['16.11.10-ce.0', '17.0.0-ce.0', '<', 'major'],
      ['17.5.1-ce.0', '17.5.1-ee.0', 'apart', 'tag'],
      ['rc', 'latest', 'apart', 'tag'],
    ],
    lists: [
      [
        '17.5.1-ce.0',
        ['17.5.2-ce.0', '17.5.3-ce.0', '17.6.0-ce.0', '18.0.0-ce.0', '17.5.3-ee.0', 'rc', 'nightly'],
        '17.5.3-ce.0',
        '17.6.0-ce.0',
        '18.0.0-ce.0',
      ],
    ],
  },
  {
    image: 'homeassistant/home-assistant (CalVer)',
    pairs: [
      ['2024.10.1', '2024.10.2', '<', 'patch'],
      ['2024.10.4', '2024.11.0', '<', 'date'],
      ['2024.12.5', '2025.1.0', '<', 'date'],
      ['2024.11.0b0', '2024.11.0b3', '<', 'prerelease'],
      ['2024.11.0b3', '2024.11.0', '<', 'patch'],
      ['2024.11.0.dev20241015', '2024.11.0.dev20241016', 'apart', 'tag'],
      ['stable', 'beta', 'apart', 'tag'],
      ['2024.9.3', '2024.10.0', '<', 'date'],
    ],
    lists: [
      [
        '2024.10.1',
        ['2024.10.2', '2024.10.4', '2024.11.0b0', '2024.11.0', '2024.11.3', '2025.1.0', 'stable'],
        '2024.10.4',
        '2024.11.3',
        '2025.1.0',
      ],
      [
        '2024.11.0b0',
        ['2024.11.0b3', '2024.11.0', '2024.11.1', '2024.12.0b0'],
        '2024.11.1',
        '2024.12.0b0',
        '2024.12.0b0',
      ],
    ],
  },
  {
    image: 'grafana/grafana',
    pairs: [
      ['11.2.2', '11.3.0', '<', 'minor'],
      ['11.3.0', '11.3.1', '<', 'patch'],
      ['11.3.0-ubuntu', '11.3.1-ubuntu', '<', 'patch'],
      ['10.4.11', '11.3.1', '<', 'major'],
      ['11.3.0', '11.3.0-security-01', 'apart', 'tag'],
      ['11.3.0-security-01', '11.3.1-security-01', '<', 'patch'],
      ['main', 'latest', 'apart', 'tag'],
    ],
    lists: [
      [
        '11.2.2',
        ['11.2.3', '11.3.0', '11.3.1', '11.3.1-ubuntu', '11.3.0-security-01', '12.0.0'],
        '11.2.3',
        '11.3.1',
        '12.0.0',
      ],
      [
        '11.3.0-ubuntu',
        ['11.3.1-ubuntu', '11.4.0-ubuntu', '11.3.1'],
        '11.3.1-ubuntu',
        '11.4.0-ubuntu',
        '11.4.0-ubuntu',
      ],
    ],
  },
  {
    image: 'traefik',
    pairs: [
      ['v3.1.6', 'v3.2.0', '<', 'minor'],
      ['v3.2.0', 'v3.2.1', '<', 'patch'],
      ['v3.2.0-rc1', 'v3.2.0-rc2', '<', 'prerelease'],
      ['v3.2.0-rc2', 'v3.2.0', '<', 'patch'],
      ['v3.2', 'v3.3', '<', 'minor'],
      ['v3.2.0', '3.2.1', 'apart', 'tag'],
      ['v2.11.14', 'v3.2.1', '<', 'major'],
      ['mimolette', 'v3.2', 'apart', 'tag'],
      ['v3.2.1', 'v3.2.1-windowsservercore-ltsc2022', 'apart', 'tag'],
    ],
    lists: [
      [
        'v3.1.6',
        ['v3.1.7', 'v3.2.0-rc1', 'v3.2.0', 'v3.2.1', '3.2.1', 'v3.2', 'v3', 'latest'],
        'v3.1.7',
        'v3.2.1',
        'v3.2.1',
      ],
      ['v3.2.0-rc1', ['v3.2.0-rc2', 'v3.2.0', 'v3.2.1', 'v3.3.0-rc1'], 'v3.2.1', 'v3.3.0-rc1', 'v3.3.0-rc1'],
    ],
  },
  {
    image: 'dated builds: dashed and dotted dates (nightlies), searxng/searxng (date and commit)',
    pairs: [
      ['2025-08-05', '2025-09-01', '<', 'date'],
      ['2025-08-05', '2026-01-05', '<', 'date'],
      ['2025-08-05', '2025-08-05-1', '<', 'patch'],
      ['2025-08-05-1', '2025-08-05-2', '<', 'patch'],
      ['2025-08-05-2', '2025-08-06', '<', 'date'],
      ['2025-08-05', '2025.08.05', 'apart', 'tag'],
      ['2025.08.05', '2025.09.01', '<', 'date'],
      ['2025-08-05', '20250806', 'apart', 'tag'],
      ['2025-13-05', '2025-12-05', 'apart', 'tag'],
      ['20240101', '20240102', '<', 'date'],
      ['2024.10.15-5a0d2c8f3', '2024.10.16-0a1b2c3d4', '<', 'date'],
      // A commit orders nothing: the same day's other build is not newer.
      ['2024.10.15-5a0d2c8f3', '2024.10.15-9f8e7d6c5', '=', 'patch'],
    ],
    lists: [
      [
        '2025-08-05',
        ['2025-08-04', '2025-08-05-1', '2025-08-20', '2025-09-01', '2026-01-05', '2025.09.02', '20250903'],
        '2025-08-20',
        '2025-09-01',
        '2026-01-05',
      ],
      ['2025-08-05', ['2025-08-05-1', '2025-08-05-2'], '2025-08-05-2', '2025-08-05-2', '2025-08-05-2'],
      [
        '2024.10.15-5a0d2c8f3',
        ['2024.10.16-0a1b2c3d4', '2024.11.02-77aa88bb9', '2025.01.03-1234abcd5'],
        '2024.10.16-0a1b2c3d4',
        '2024.11.02-77aa88bb9',
        '2025.01.03-1234abcd5',
      ],
      ['20240101', ['20240102', '20240201', '20250101'], undefined, undefined, '20250101'],
    ],
  },
  {
    image: 'alpine',
    pairs: [
      ['3.20', '3.21', '<', 'minor'],
      ['3.20.3', '3.21.0', '<', 'minor'],
      ['3.20', '20240923', 'apart', 'tag'],
      ['edge', 'latest', 'apart', 'tag'],
      ['3.9', '3.10', '<', 'minor'],
    ],
    lists: [['3.20.2', ['3.20.3', '3.21.0', '3.21', '20240923', 'edge'], '3.20.3', '3.21.0', '3.21.0']],
  },
  {
    image: 'debian',
    pairs: [
      ['12.7', '12.8', '<', 'minor'],
      ['12', '13', '<', 'major'],
      ['12.7-slim', '12.8-slim', '<', 'minor'],
      ['bookworm-20241016', 'bookworm-20241111', 'apart', 'tag'],
      ['11.11', '12.8', '<', 'major'],
    ],
    lists: [['12.7', ['12.8', '13.0', '12', 'bookworm', '12.8-slim'], undefined, '12.8', '13.0']],
  },
  {
    image: 'redis',
    pairs: [
      ['7.2.5', '7.4.1', '<', 'minor'],
      ['7.4.1-alpine', '7.4.2-alpine', '<', 'patch'],
      ['7.4', '8.0-M01', 'apart', 'tag'],
      ['6.2.16', '7.4.1', '<', 'major'],
    ],
    lists: [['7.2.5', ['7.2.6', '7.4.1', '8.0.0', '7.4.1-alpine', '8.0-M01'], '7.2.6', '7.4.1', '8.0.0']],
  },
  {
    image: 'mariadb',
    pairs: [
      ['10.11.9-jammy', '10.11.10-jammy', '<', 'patch'],
      ['11.4.3-noble', '11.4.4-noble', '<', 'patch'],
      ['11.4.3', '11.4.3-noble', 'apart', 'tag'],
      ['11.6.1-rc', '11.6.1', '<', 'patch'],
      ['11.5.2', '11.6.1-rc', '<', 'minor'],
    ],
    lists: [['11.5.2', ['11.5.3', '11.6.1-rc', '11.6.2', '11.6.2-noble'], '11.5.3', '11.6.2', '11.6.2']],
  },
  {
    image: 'mysql',
    pairs: [
      ['8.0.39', '8.0.40', '<', 'patch'],
      ['8.0.40', '8.4.3', '<', 'minor'],
      ['8.4.3', '9.1.0', '<', 'major'],
      ['8.0.40-debian', '8.0.40-oraclelinux9', 'apart', 'tag'],
      ['lts', 'innovation', 'apart', 'tag'],
    ],
  },
  {
    image: 'golang',
    pairs: [
      ['1.23rc1', '1.23rc2', '<', 'prerelease'],
      ['1.23rc2', '1.23', '<', 'patch'],
      ['1.23.2', '1.23.3', '<', 'patch'],
      ['1.22.8-alpine3.20', '1.23.2-alpine3.20', '<', 'minor'],
      ['1.23', '1.23.2', 'apart', 'tag'],
    ],
    lists: [['1.23rc2', ['1.23rc1', '1.23', '1.24rc1', '1.23.1'], '1.23', '1.24rc1', '1.24rc1']],
  },
  {
    image: 'haproxy',
    pairs: [
      ['3.1-dev9', '3.1-dev10', '<', 'prerelease'],
      ['3.1-dev10', '3.1', '<', 'patch'],
      ['3.0.5', '3.0.6', '<', 'patch'],
    ],
  },
  {
    image: 'php',
    pairs: [
      ['8.4.0RC2-fpm', '8.4.0RC3-fpm', '<', 'prerelease'],
      ['8.4.0RC3', '8.4.0', '<', 'patch'],
      ['8.3.12-fpm-alpine3.20', '8.3.13-fpm-alpine3.20', '<', 'patch'],
      ['8.2-apache', '8.3-apache', '<', 'minor'],
      ['8.3-apache', '8.3-fpm', 'apart', 'tag'],
    ],
    lists: [
      [
        '8.3.12-fpm',
        ['8.3.13-fpm', '8.4.0RC3-fpm', '8.4.1-fpm', '8.3.13-apache'],
        '8.3.13-fpm',
        '8.4.1-fpm',
        '8.4.1-fpm',
      ],
    ],
  },
  {
    image: 'rabbitmq',
    pairs: [
      ['3.13.7-management', '4.0.2-management', '<', 'major'],
      ['4.0.2-management-alpine', '4.0.3-management-alpine', '<', 'patch'],
      ['4.1.0-beta.1', '4.1.0-beta.2', '<', 'prerelease'],
      ['4.1.0-beta.2', '4.1.0-rc.1', '<', 'prerelease'],
    ],
  },
  {
    image: 'mongo',
    pairs: [
      ['8.0.0-rc19', '8.0.0-rc20', '<', 'prerelease'],
      ['8.0.0-rc20', '8.0.0', '<', 'patch'],
      ['7.0.14', '8.0.1', '<', 'major'],
      ['7.0.14-jammy', '7.0.15-jammy', '<', 'patch'],
    ],
  },
  {
    image: 'wordpress, nextcloud, jenkins/jenkins, tomcat (variants that carry versions)',
    pairs: [
      ['6.6.2-php8.3-apache', '6.7.0-php8.3-apache', '<', 'minor'],
      ['6.6.2-php8.2-apache', '6.6.2-php8.3-apache', 'apart', 'tag'],
      ['29.0.8-apache', '30.0.1-apache', '<', 'major'],
      ['2.479.1-lts-jdk17', '2.479.2-lts-jdk17', '<', 'patch'],
      ['2.482-jdk21', '2.483-jdk21', '<', 'minor'],
      ['10.1.30-jdk21', '10.1.31-jdk21', '<', 'patch'],
    ],
  },
  {
    image: 'eclipse-temurin (Java update numbers)',
    pairs: [
      ['21.0.4_7-jdk', '21.0.5_11-jdk', '<', 'patch'],
      ['21.0.5_10-jre-noble', '21.0.5_11-jre-noble', '<', 'patch'],
      ['21-jdk', '21.0.5_11-jdk', 'apart', 'tag'],
      ['17.0.13_11-jdk', '21.0.5_11-jdk', '<', 'major'],
    ],
    lists: [
      [
        '21.0.4_7-jdk',
        ['21.0.5_11-jdk', '21.0.5_11-jre', '23.0.1_11-jdk', '21-jdk'],
        '21.0.5_11-jdk',
        '21.0.5_11-jdk',
        '23.0.1_11-jdk',
      ],
    ],
  },
];

const pairs = GROUPS.flatMap((group) => group.pairs.map((pair) => [group.image, ...pair] as const));
const lists = GROUPS.flatMap((group) => (group.lists ?? []).map((list) => [group.image, ...list] as const));

describe('tags as images publish them', () => {
  it('has at least 150 pairs and lists', () => {
    expect(pairs.length + lists.length).toBeGreaterThanOrEqual(150);
  });

  it.each(pairs)('%s: %s → %s is %s (%s)', (_image, from, to, order, kind) => {
    const a = parseTag(from);
    const b = parseTag(to);
    expect(sameShape(a, b), 'shape').toBe(order !== 'apart');
    if (order !== 'apart') {
      const expected = { '<': -1, '=': 0, '>': 1 }[order];
      expect(compareTags(a, b), 'order').toBe(expected);
    }
    expect(updateKind(from, to), 'kind').toBe(kind);
  });

  it.each(lists)('%s: from %s among %j', (_image, current, tags, patch, minor, major) => {
    const chosen = (policy: string): Choice => {
      const choice = chooseTag(current, tags, parsePolicy(policy));
      return choice.kind === 'newer' ? choice.tag : undefined;
    };
    expect({ patch: chosen('patch'), minor: chosen('minor'), major: chosen('major') }).toEqual({
      patch,
      minor,
      major,
    });
  });
});
