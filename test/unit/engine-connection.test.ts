import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { negotiateApiVersion, resolveConnection } from '../../src/engine/index.js';
import { sshArgs } from '../../src/engine/ssh-stream.js';

describe('resolveConnection', () => {
  it('defaults to the local socket', () => {
    expect(resolveConnection({})).toMatchObject({ kind: 'socket', socketPath: '/var/run/docker.sock' });
  });
  it.each([
    ['unix:///run/user/1000/docker.sock', { kind: 'socket', socketPath: '/run/user/1000/docker.sock' }],
    ['tcp://10.0.0.5', { kind: 'tcp', protocol: 'http', host: '10.0.0.5', port: 2375 }],
    ['tcp://engine.local:4243', { kind: 'tcp', protocol: 'http', host: 'engine.local', port: 4243 }],
    ['tcp://[::1]:2375', { kind: 'tcp', protocol: 'http', host: '::1', port: 2375 }],
  ])('%s', (host, expected) => {
    expect(resolveConnection({ host })).toMatchObject(expected);
  });

  it.each([
    ['ssh://host', { kind: 'ssh', host: 'host', display: 'ssh://host' }],
    ['ssh://deploy@10.0.0.5:2222', { kind: 'ssh', host: '10.0.0.5', user: 'deploy', port: 2222 }],
    ['ssh://me@[::1]:22', { kind: 'ssh', host: '::1', user: 'me', port: 22, display: 'ssh://me@[::1]:22' }],
    ['ssh://builder/', { kind: 'ssh', host: 'builder' }],
  ])('%s', (host, expected) => {
    const connection = resolveConnection({ host });
    expect(connection).toMatchObject(expected);
    if (!('user' in expected)) expect(connection).not.toHaveProperty('user');
    if (!('port' in expected)) expect(connection).not.toHaveProperty('port');
  });

  it('asks ssh for what the docker CLI asks: dial-stdio on the remote, never a prompt', () => {
    const connection = resolveConnection({ host: 'ssh://deploy@engine.lan:2222' });
    if (connection.kind !== 'ssh') throw new Error('not ssh');
    expect(sshArgs(connection)).toEqual([
      '-o',
      'BatchMode=yes',
      '-o',
      'ConnectTimeout=30',
      '-T',
      '-l',
      'deploy',
      '-p',
      '2222',
      '--',
      'engine.lan',
      'docker',
      'system',
      'dial-stdio',
    ]);
    // No user or port in the URL: ~/.ssh/config (or ssh's defaults) decides them.
    const bare = resolveConnection({ host: 'ssh://engine.lan' });
    if (bare.kind !== 'ssh') throw new Error('not ssh');
    expect(sshArgs(bare)).toEqual([
      '-o',
      'BatchMode=yes',
      '-o',
      'ConnectTimeout=30',
      '-T',
      '--',
      'engine.lan',
      'docker',
      'system',
      'dial-stdio',
    ]);
  });

  it('uses TLS on 2376 with DOCKER_TLS_VERIFY and reads the certificates', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-certs-'));
    for (const file of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(dir, file), file);
    const connection = resolveConnection({ host: 'tcp://engine', tlsVerify: true, certPath: dir });
    expect(connection).toMatchObject({ kind: 'tcp', protocol: 'https', port: 2376 });
    expect(connection.kind === 'tcp' && connection.tls?.ca.toString()).toBe('ca.pem');
  });

  it.each([
    ['ftp://host', 'the scheme ftp: is not supported (use unix://, tcp:// or ssh://)'],
    ['ssh://', 'the host name is empty'],
    ['ssh://user:secret@host', 'a password in the URL is not supported'],
    ['ssh://host/var/run/docker.sock', 'extra path after the host: /var/run/docker.sock'],
    ['ssh://host?x=1', 'a query or fragment is not supported'],
    ['unix://', 'the socket path is empty'],
    ['tcp://', 'the host name is empty'],
    ['not a url', 'expected unix:///path or tcp://host:port'],
  ])('rejects %s', (host, message) => {
    expect(() => resolveConnection({ host })).toThrow(message);
  });

  it('names a missing certificate file', () => {
    expect(() => resolveConnection({ host: 'tcp://e', tlsVerify: true, certPath: '/nonexistent' })).toThrow(
      'DOCKER_CERT_PATH: cannot read /nonexistent/ca.pem',
    );
  });
});

describe('negotiateApiVersion', () => {
  it.each([
    ['1.41', '1.41'],
    ['1.44', '1.44'],
    ['1.52', '1.52'],
    ['1.60', '1.52'],
  ])('engine %s → %s', (engine, chosen) => expect(negotiateApiVersion(engine)).toBe(chosen));
  it('refuses engines that are too old', () => {
    expect(() => negotiateApiVersion('1.30')).toThrow('Tidewatch needs 1.40 or newer');
  });
});
