import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyDockerContext, resolveConnection } from '../../src/engine/index.js';

/** A docker config dir laid out like the CLI's context store (contexts/meta/<sha256 of name>). */
function configDir(
  contexts: Record<string, object>,
  options: { currentContext?: string; tls?: string[] } = {},
): string {
  const dir = mkdtempSync(join(tmpdir(), 'tw-ctx-'));
  for (const [name, endpoint] of Object.entries(contexts)) {
    const id = createHash('sha256').update(name).digest('hex');
    mkdirSync(join(dir, 'contexts', 'meta', id), { recursive: true });
    const meta = { Name: name, Metadata: {}, Endpoints: { docker: endpoint } };
    writeFileSync(join(dir, 'contexts', 'meta', id, 'meta.json'), JSON.stringify(meta));
    if (options.tls?.includes(name)) {
      const tlsDir = join(dir, 'contexts', 'tls', id, 'docker');
      mkdirSync(tlsDir, { recursive: true });
      for (const file of ['ca.pem', 'cert.pem', 'key.pem'])
        writeFileSync(join(tlsDir, file), `${name}-${file}`);
    }
  }
  if (options.currentContext !== undefined) {
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ currentContext: options.currentContext }));
  }
  return dir;
}

describe('applyDockerContext', () => {
  const dir = configDir(
    { remote: { Host: 'tcp://10.0.0.9:2375' }, current: { Host: 'unix:///run/current.sock' } },
    { currentContext: 'current' },
  );

  it('lets DOCKER_HOST / --host win over DOCKER_CONTEXT and currentContext', () => {
    expect(applyDockerContext({ host: 'unix:///x.sock' }, { dockerConfig: dir, context: 'remote' })).toEqual({
      host: 'unix:///x.sock',
    });
  });
  it('lets DOCKER_CONTEXT win over currentContext', () => {
    expect(applyDockerContext({}, { dockerConfig: dir, context: 'remote' })).toMatchObject({
      host: 'tcp://10.0.0.9:2375',
      tlsVerify: false,
    });
  });
  it('uses currentContext from config.json in DOCKER_CONFIG', () => {
    expect(applyDockerContext({}, { dockerConfig: dir })).toMatchObject({ host: 'unix:///run/current.sock' });
  });
  it('treats "default" as the default socket, even when currentContext names another', () => {
    expect(
      resolveConnection(applyDockerContext({}, { dockerConfig: dir, context: 'default' })),
    ).toMatchObject({
      kind: 'socket',
      socketPath: '/var/run/docker.sock',
    });
  });
  it('uses the default socket with no config.json', () => {
    expect(applyDockerContext({}, { dockerConfig: configDir({}) })).toEqual({});
  });
  it('uses the context TLS files, verified, and overrides DOCKER_TLS_VERIFY / DOCKER_CERT_PATH', () => {
    const tlsDir = configDir({ secure: { Host: 'tcp://engine:2376' } }, { tls: ['secure'] });
    const settings = applyDockerContext(
      { tlsVerify: false, certPath: '/elsewhere' },
      { dockerConfig: tlsDir, context: 'secure' },
    );
    const connection = resolveConnection(settings);
    expect(connection).toMatchObject({ kind: 'tcp', protocol: 'https', host: 'engine', port: 2376 });
    expect(connection.kind === 'tcp' && connection.tls?.ca.toString()).toBe('secure-ca.pem');
  });
  it('names a missing context in one line', () => {
    expect(() => applyDockerContext({}, { dockerConfig: dir, context: 'nope' })).toThrow(
      /^docker context "nope": not found \(no .*meta\.json\)$/,
    );
  });
  it('refuses SkipTLSVerify rather than verifying silently', () => {
    const skip = configDir({ lax: { Host: 'tcp://e:2376', SkipTLSVerify: true } });
    expect(() => applyDockerContext({}, { dockerConfig: skip, context: 'lax' })).toThrow(
      'docker context "lax": SkipTLSVerify is not supported',
    );
  });
  it('names a context without a docker endpoint', () => {
    const bare = configDir({ empty: {} });
    expect(() => applyDockerContext({}, { dockerConfig: bare, context: 'empty' })).toThrow(
      /docker context "empty": .* has no Endpoints\.docker\.Host/,
    );
  });
});
