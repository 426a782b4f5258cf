import { describe, expect, it } from 'vitest';
import { normalizeUrl } from '../../src/api/routes/gitops.js';
import { parseGitopsSources } from '../../src/config/index.js';
import { redactUrl } from '../../src/domain/redact.js';
import { splitCredentials } from '../../src/gitops/repo.js';

describe('--gitops-source', () => {
  it('parses entries given repeatedly or separated by ; and newlines, with defaults', () => {
    const sources = parseGitopsSources(
      [
        'url=file:///srv/repo.git,branch=prod,path=stacks,interval=5m,env-dir=/etc/env,remove-orphans=true',
        'url=git@git.example:ops/edge.git;url=https://git.example/ops/web,name=web-1\nurl=ssh://git@h/x/y.git,ssh-key=/k',
      ],
      '--gitops-source',
    );
    expect(sources).toEqual([
      {
        name: 'repo',
        url: 'file:///srv/repo.git',
        branch: 'prod',
        path: 'stacks',
        intervalMs: 300_000,
        envDir: '/etc/env',
        removeOrphans: true,
      },
      {
        name: 'edge',
        url: 'git@git.example:ops/edge.git',
        branch: 'main',
        path: '.',
        intervalMs: 60_000,
        removeOrphans: false,
      },
      {
        name: 'web-1',
        url: 'https://git.example/ops/web',
        branch: 'main',
        path: '.',
        intervalMs: 60_000,
        removeOrphans: false,
      },
      {
        name: 'y',
        url: 'ssh://git@h/x/y.git',
        branch: 'main',
        path: '.',
        intervalMs: 60_000,
        removeOrphans: false,
        sshKey: '/k',
      },
    ]);
  });

  it('rejects a missing url, an unknown key, a bad interval and two sources of one name, naming the source', () => {
    expect(() => parseGitopsSources(['branch=main'], 'TIDEWATCH_GITOPS_SOURCES')).toThrow(
      /^TIDEWATCH_GITOPS_SOURCES: url= is missing/,
    );
    expect(() => parseGitopsSources(['url=x,colour=red'], 'f')).toThrow(/unknown key colour/);
    expect(() => parseGitopsSources(['url=x,interval=soon'], 'f')).toThrow(/interval=soon is not a duration/);
    expect(() => parseGitopsSources(['url=a/x.git;url=b/x'], 'f')).toThrow(/two sources are named x/);
    // Credentials in a URL never reach an error message.
    expect(() => parseGitopsSources(['url=https://me:secret@h/x,colour=red'], 'f')).toThrow(/\/\/\*\*\*@h/);
  });
});

describe('git URLs', () => {
  it('compares repositories without scheme, user and .git', () => {
    const same = [
      'https://git.example/Ops/Stacks.git',
      'git@git.example:ops/stacks.git',
      'ssh://git@git.example/ops/stacks',
      'https://token@git.example/ops/stacks/',
    ];
    expect(new Set(same.map(normalizeUrl))).toEqual(new Set(['git.example/ops/stacks']));
    expect(normalizeUrl('ssh://git@git.example:2222/ops/stacks.git')).toBe('git.example:2222/ops/stacks');
  });

  it('moves credentials out of an http(s) URL, so git never writes them to .git/config', () => {
    expect(splitCredentials('https://me:t%40ken@git.example/ops/stacks.git')).toEqual({
      url: 'https://git.example/ops/stacks.git',
      basic: Buffer.from('me:t@ken').toString('base64'),
    });
    expect(splitCredentials('https://TOKEN@git.example/o/r')).toEqual({
      url: 'https://git.example/o/r',
      basic: Buffer.from('TOKEN:').toString('base64'),
    });
    expect(splitCredentials('ssh://git@git.example/o/r')).toEqual({ url: 'ssh://git@git.example/o/r' });
    expect(splitCredentials('file:///srv/repo')).toEqual({ url: 'file:///srv/repo' });
  });

  it('removes credentials from a URL for history and logs', () => {
    expect(redactUrl('https://me:token@git.example/ops/stacks.git')).toBe(
      'https://***@git.example/ops/stacks.git',
    );
  });
});
