import { createHash } from 'node:crypto';
import { z } from 'zod';
import { RegistryFailure } from './failure.js';

// Media types from the OCI image spec and Docker's image manifest v2 schema 2.
export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
} as const;

/**
 * All four, always: a registry that is not told what we accept may convert to schema1, whose
 * digest differs from what the engine recorded.
 */
export const MANIFEST_ACCEPT = Object.values(MEDIA_TYPES).join(', ');

const INDEX_TYPES: readonly string[] = [MEDIA_TYPES.dockerList, MEDIA_TYPES.ociIndex];
const MANIFEST_TYPES: readonly string[] = [MEDIA_TYPES.dockerManifest, MEDIA_TYPES.ociManifest];

// https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests
export const Digest = z.string().regex(/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/, 'not a digest');
export type Digest = z.infer<typeof Digest>;

export const IndexEntry = z.object({
  mediaType: z.string().optional(),
  digest: Digest,
  platform: z.object({ os: z.string(), architecture: z.string(), variant: z.string().optional() }).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type IndexEntry = z.infer<typeof IndexEntry>;

export const ImageIndex = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  manifests: z.array(IndexEntry),
  // Kept for release links (src/domain/release-links.ts): OCI keys may be annotations, not labels.
  annotations: z.record(z.string(), z.string()).optional(),
});
export type ImageIndex = z.infer<typeof ImageIndex>;

export const ImageManifest = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  config: z.object({ mediaType: z.string().optional(), digest: Digest }),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type ImageManifest = z.infer<typeof ImageManifest>;

// https://distribution.github.io/distribution/spec/auth/token/#token-response-fields
export const TokenResponse = z
  .object({
    token: z.string().optional(),
    access_token: z.string().optional(),
    expires_in: z.number().positive().optional(),
    issued_at: z.string().optional(),
  })
  .refine((body) => (body.token ?? body.access_token ?? '') !== '', 'neither token nor access_token');
export type TokenResponse = z.infer<typeof TokenResponse>;

export type ParsedManifest =
  | { readonly kind: 'index'; readonly index: ImageIndex }
  | { readonly kind: 'manifest'; readonly manifest: ImageManifest };

/** `sha256:<hex>` of the exact bytes: a manifest's digest is the digest of its serialisation. */
export function sha256Digest(body: Uint8Array): string {
  return `sha256:${createHash('sha256').update(body).digest('hex')}`;
}

/**
 * The OCI chain ids of a stack of layers: the first is its diff id, each next one the sha256 of
 * "<chain below> <diff id>". An engine that holds a chain id holds that layer and all below it.
 */
export function chainIds(diffIds: readonly string[]): string[] {
  const chains: string[] = [];
  for (const diffId of diffIds) {
    const below = chains.at(-1);
    chains.push(below === undefined ? diffId : sha256Digest(Buffer.from(`${below} ${diffId}`)));
  }
  return chains;
}

/** One line out of a zod error, never echoing values (they might be tokens). */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid';
  const path = issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
  return `${path}${issue.message}${error.issues.length > 1 ? ` (+${error.issues.length - 1} more)` : ''}`;
}

export function parseJson(body: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(Buffer.from(body).toString('utf8')) as unknown;
  } catch (error) {
    throw new RegistryFailure('registry-bad-response', `${what}: body is not JSON`, { cause: error });
  }
}

/**
 * Parses a manifest body into an index or an image manifest. The body's own `mediaType` wins over
 * Content-Type (some registries send `application/json`); without either, the shape decides.
 */
export function parseManifest(body: Uint8Array, contentType: string | null, what: string): ParsedManifest {
  const json = parseJson(body, what);
  const declared =
    typeof json === 'object' && json !== null && 'mediaType' in json && typeof json.mediaType === 'string'
      ? json.mediaType
      : (contentType?.split(';')[0]?.trim() ?? '');
  const looksLikeIndex =
    INDEX_TYPES.includes(declared) ||
    (!MANIFEST_TYPES.includes(declared) && typeof json === 'object' && json !== null && 'manifests' in json);
  if (!looksLikeIndex && !MANIFEST_TYPES.includes(declared) && declared.includes('manifest.v1')) {
    throw new RegistryFailure('registry-bad-response', `${what}: unsupported schema1 manifest (${declared})`);
  }
  if (looksLikeIndex) {
    const parsed = ImageIndex.safeParse(json);
    if (!parsed.success) {
      throw new RegistryFailure(
        'registry-bad-response',
        `${what}: invalid index (${describeZodError(parsed.error)})`,
      );
    }
    return { kind: 'index', index: parsed.data };
  }
  const parsed = ImageManifest.safeParse(json);
  if (!parsed.success) {
    throw new RegistryFailure(
      'registry-bad-response',
      `${what}: invalid manifest (${describeZodError(parsed.error)})`,
    );
  }
  return { kind: 'manifest', manifest: parsed.data };
}
