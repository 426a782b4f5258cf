import { z } from 'zod';
import { familiarName, type ImageRef } from '../domain/index.js';
import { parseWwwAuthenticate, selectAuth } from './auth-challenge.js';
import type { Endpoints } from './endpoints.js';
import { RegistryFailure, statusFailure } from './failure.js';
import type { CredentialStore } from './types.js';

export interface TransferDeps {
  readonly endpoints: Endpoints;
  readonly credentials: CredentialStore;
  readonly fetch?: typeof fetch;
}

/**
 * Raw requests to one or more repositories for moving content (copies, bundles): each answers
 * the registry's Basic or Bearer challenge once and keeps the token per repository and access.
 * Checks go through RegistryClient instead (budgets, memos, one manifest request per image).
 */
export class RegistryTransfer {
  private readonly tokens = new Map<string, string>();
  private readonly fetch: typeof fetch;

  constructor(
    private readonly deps: TransferDeps,
    private readonly signal: AbortSignal,
  ) {
    this.fetch = deps.fetch ?? fetch;
  }

  /** Whether `to` already holds the blob (then nothing needs uploading). */
  async hasBlob(to: ImageRef, digest: string): Promise<boolean> {
    const head = await this.send(to, 'push', `/blobs/${digest}`, { method: 'HEAD' });
    await head.arrayBuffer().catch(() => undefined);
    return head.status === 200;
  }

  /**
   * Uploads one blob to `to`: mounted from `mountFrom` (a repository of the same registry) when
   * the registry allows, else the body `open` gives, streamed in one PUT with its digest.
   */
  async uploadBlob(
    to: ImageRef,
    digest: string,
    mountFrom: string | undefined,
    open: () => Promise<{
      body: ReadableStream<Uint8Array> | Buffer<ArrayBuffer>;
      length?: number | undefined;
    }>,
  ): Promise<void> {
    const what = `${familiarName(to)} blob ${digest}`;
    let uploadPath = '/blobs/uploads/';
    if (mountFrom !== undefined) uploadPath += `?mount=${digest}&from=${mountFrom}`;
    const started = await this.send(to, 'push', uploadPath, { method: 'POST' });
    await started.arrayBuffer().catch(() => undefined);
    if (started.status === 201) return; // mounted
    if (started.status !== 202) throw statusFailure(started.status, `${what} upload`);
    const location = started.headers.get('location');
    if (!location) throw new RegistryFailure('registry-bad-response', `${what}: upload has no Location`);
    const url = new URL(location, this.base(to));
    url.searchParams.set('digest', digest);
    const { body, length } = await open();
    // A streamed body needs `duplex: 'half'` (Node's fetch; not in every RequestInit typing).
    const upload: RequestInit & { duplex: 'half' } = {
      method: 'PUT',
      headers: {
        'content-type': 'application/octet-stream',
        ...(length !== undefined ? { 'content-length': String(length) } : {}),
      },
      body,
      duplex: 'half',
    };
    const put = await this.send(to, 'push', url, upload);
    await put.arrayBuffer().catch(() => undefined);
    if (put.status !== 201) throw statusFailure(put.status, `${what} upload`);
  }

  /** PUTs a manifest under `reference` (a tag, or its own digest for an index's children). */
  async putManifest(
    to: ImageRef,
    reference: string,
    mediaType: string,
    body: Buffer<ArrayBuffer>,
  ): Promise<void> {
    const put = await this.send(to, 'push', `/manifests/${reference}`, {
      method: 'PUT',
      headers: { 'content-type': mediaType },
      body,
    });
    await put.arrayBuffer().catch(() => undefined);
    if (put.status !== 201 && put.status !== 200) {
      throw statusFailure(put.status, `${familiarName(to)}:${reference} manifest upload`);
    }
  }

  base(ref: ImageRef): string {
    return `${this.deps.endpoints.baseUrl(ref.registry)}/v2/${ref.repository}`;
  }

  /** One request, answering the registry's Basic or Bearer challenge once. */
  async send(
    ref: ImageRef,
    access: 'pull' | 'push',
    path: string | URL,
    init: RequestInit,
  ): Promise<Response> {
    const url = typeof path === 'string' ? `${this.base(ref)}${path}` : path.toString();
    const scope = `repository:${ref.repository}:${access === 'push' ? 'pull,push' : 'pull'}`;
    const key = `${ref.registry} ${scope}`;
    const attempt = (authorization: string | undefined): Promise<Response> =>
      this.fetch(url, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), ...(authorization ? { authorization } : {}) },
        signal: this.signal,
      });
    const known = this.tokens.get(key);
    const first = await attempt(known);
    // A streamed body cannot be sent twice: its request must have its authorization already.
    if (first.status !== 401 || init.body instanceof ReadableStream) return first;
    await first.arrayBuffer().catch(() => undefined);
    const authorization = await this.authorise(ref, scope, first.headers.get('www-authenticate') ?? '');
    this.tokens.set(key, authorization);
    const second = await attempt(authorization);
    // Refused again: a helper's answer may have expired under a long transfer (ECR's after 12 h).
    // Ask the helper once more and retry once; credentials that would come back the same are not.
    if (second.status !== 401 || this.deps.credentials.refresh?.(ref.registry) !== true) return second;
    await second.arrayBuffer().catch(() => undefined);
    const renewed = await this.authorise(ref, scope, second.headers.get('www-authenticate') ?? '');
    this.tokens.set(key, renewed);
    return attempt(renewed);
  }

  private async authorise(ref: ImageRef, scope: string, header: string): Promise<string> {
    const auth = selectAuth(parseWwwAuthenticate(header));
    const what = `${ref.registry}/${ref.repository}`;
    const login = await this.deps.credentials.get(ref.registry, this.signal);
    const basic =
      login?.username !== undefined && login.password !== undefined
        ? `Basic ${Buffer.from(`${login.username}:${login.password}`).toString('base64')}`
        : undefined;
    if (auth?.scheme === 'basic' && basic) return basic;
    if (auth?.scheme !== 'bearer')
      throw new RegistryFailure('registry-unauthorized', `${what}: access refused`);
    const realm = new URL(auth.realm);
    if (auth.service) realm.searchParams.set('service', auth.service);
    realm.searchParams.set('scope', scope);
    if (basic && !this.deps.endpoints.mayCarryCredentials(realm)) {
      throw new RegistryFailure(
        'registry-unauthorized',
        `${what}: refusing to send credentials over plain http`,
      );
    }
    const response = await this.fetch(realm, {
      headers: basic ? { authorization: basic } : {},
      signal: this.signal,
    });
    if (response.status !== 200) throw statusFailure(response.status, `${what}: token`);
    const body = z
      .object({ token: z.string().optional(), access_token: z.string().optional() })
      .parse(await response.json());
    return `Bearer ${body.token ?? body.access_token ?? ''}`;
  }
}
