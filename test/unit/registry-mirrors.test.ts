import { describe, expect, it } from 'vitest';
import { parseRegistryMirrors } from '../../src/config/registry-mirrors.js';
import { parseImageRef, type ImageRef } from '../../src/domain/image-ref.js';
import { silentLogger } from '../../src/log/index.js';
import { Endpoints } from '../../src/registry/endpoints.js';
import { RegistryFailure } from '../../src/registry/failure.js';
import { MirrorRoute } from '../../src/registry/mirror-route.js';

const signal = new AbortController().signal;

describe('parseRegistryMirrors', () => {
  it('keeps each mirror as its origin, in order, once', () => {
    expect(
      parseRegistryMirrors(
        ['https://mirror.gcr.io/', ' http://10.0.0.5:5000 ', 'https://mirror.gcr.io'],
        'X',
      ),
    ).toEqual(['https://mirror.gcr.io', 'http://10.0.0.5:5000']);
  });

  it.each([
    ['mirror.example', 'expected http://host[:port] or https://host[:port]'],
    ['ftp://mirror.example', 'the scheme must be http or https'],
    ['https://mirror.example/v2', 'a mirror has no path, query or fragment'],
    ['https://user:pw@mirror.example', 'credentials belong in config.json, not the URL'],
  ])('refuses %s in one line naming the source', (entry, why) => {
    expect(() => parseRegistryMirrors([entry], '--registry-mirror')).toThrow(
      `--registry-mirror: ${entry} is not a registry mirror: ${why}`,
    );
  });
});

describe('Endpoints with mirrors', () => {
  const endpoints = new Endpoints([], {
    mirrors: ['http://mirror.lan:5000', 'https://mirror.gcr.io'],
  });

  it('mirrors only Docker Hub, each as a registry of its own, plain http only when it says http', () => {
    expect(endpoints.mirrorsOf('docker.io')).toEqual(['mirror.lan:5000', 'mirror.gcr.io']);
    expect(endpoints.mirrorsOf('ghcr.io')).toEqual([]);
    expect(endpoints.baseUrl('mirror.lan:5000')).toBe('http://mirror.lan:5000');
    expect(endpoints.baseUrl('mirror.gcr.io')).toBe('https://mirror.gcr.io');
    expect(endpoints.baseUrl('docker.io')).toBe('https://registry-1.docker.io');
  });

  it('a stand-in for Hub (tests only) answers for docker.io', () => {
    expect(new Endpoints([], { hubOrigin: '127.0.0.1:5999' }).baseUrl('docker.io')).toBe(
      'http://127.0.0.1:5999',
    );
  });
});

describe('MirrorRoute', () => {
  const endpoints = new Endpoints([], { mirrors: ['http://one.lan', 'http://two.lan'] });
  const hubRef = parseImageRef('nginx:1.27');

  function recorder(fail: Record<string, RegistryFailure>) {
    const asked: string[] = [];
    const ask = (source: ImageRef): Promise<string> => {
      asked.push(source.registry);
      const failure = fail[source.registry];
      return failure ? Promise.reject(failure) : Promise.resolve(`digest from ${source.registry}`);
    };
    return { asked, ask };
  }

  it('answers from the first mirror that answers, without asking Hub', async () => {
    const { asked, ask } = recorder({});
    await expect(new MirrorRoute(endpoints, silentLogger()).first(hubRef, signal, ask)).resolves.toBe(
      'digest from one.lan',
    );
    expect(asked).toEqual(['one.lan']);
  });

  it('moves on after any failure, and asks a down mirror only once per cycle', async () => {
    const { asked, ask } = recorder({
      'one.lan': new RegistryFailure('registry-unavailable', 'one.lan: connect ECONNREFUSED'),
      'two.lan': new RegistryFailure('registry-not-found', 'two.lan: not found (HTTP 404)'),
    });
    const route = new MirrorRoute(endpoints, silentLogger());
    await expect(route.first(hubRef, signal, ask)).resolves.toBe('digest from docker.io');
    await expect(route.first(hubRef, signal, ask)).resolves.toBe('digest from docker.io');
    expect(asked).toEqual(['one.lan', 'two.lan', 'docker.io', 'two.lan', 'docker.io']);
  });

  it("Hub's own failure is the outcome; other registries are asked directly", async () => {
    const refusal = new RegistryFailure('registry-unauthorized', 'docker.io: access denied (HTTP 401)');
    const { asked, ask } = recorder({ 'one.lan': refusal, 'two.lan': refusal, 'docker.io': refusal });
    await expect(new MirrorRoute(endpoints, silentLogger()).first(hubRef, signal, ask)).rejects.toBe(refusal);
    const other = recorder({});
    await new MirrorRoute(endpoints, silentLogger()).first(parseImageRef('ghcr.io/a/b:1'), signal, other.ask);
    expect(other.asked).toEqual(['ghcr.io']);
    expect(asked).toEqual(['one.lan', 'two.lan', 'docker.io']);
  });
});
