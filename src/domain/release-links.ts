/**
 * The links a person reads before approving an update, built from the OCI annotation keys an
 * image carries as config labels or manifest annotations
 * (https://github.com/opencontainers/image-spec/blob/main/annotations.md). Pure: no request is
 * made, a link is only built from what the image says, and bad input gives no link, never an error.
 */

/** Labels and annotations of one image, merged (see mergeImageLabels). */
export type ImageLabels = Readonly<Record<string, string>>;

export interface ReleaseLinks {
  /** The source repository, normalised to `https://host/path`. */
  readonly source?: string;
  /** The release page of the new version (known forges only). */
  readonly release?: string;
  /** The compare view from the running revision to the new one (known forges only). */
  readonly compare?: string;
  /** `org.opencontainers.image.url` of the new image, as given. */
  readonly url?: string;
  /** `org.opencontainers.image.documentation` of the new image, as given. */
  readonly documentation?: string;
}

export const OCI_SOURCE = 'org.opencontainers.image.source';
export const OCI_VERSION = 'org.opencontainers.image.version';
export const OCI_REVISION = 'org.opencontainers.image.revision';
export const OCI_URL = 'org.opencontainers.image.url';
export const OCI_DOCUMENTATION = 'org.opencontainers.image.documentation';

/** Whether an image names anything a link could be built from (so looking up the new one is worth it). */
export function hasLinkLabels(labels: ImageLabels | undefined): boolean {
  return [OCI_SOURCE, OCI_URL, OCI_DOCUMENTATION].some((key) => (labels?.[key] ?? '').trim() !== '');
}

/** Config labels win over manifest annotations: the labels are what `docker inspect` shows. */
export function mergeImageLabels(
  labels: ImageLabels | null | undefined,
  annotations: ImageLabels | null | undefined,
): ImageLabels {
  return { ...(annotations ?? {}), ...(labels ?? {}) };
}

type Forge = 'github' | 'gitlab' | 'gitea';

// Self-hosted forges are recognised by their usual host names; any other host gets raw links only.
function forgeOf(host: string): Forge | undefined {
  if (host === 'github.com') return 'github';
  if (host === 'gitlab.com' || host.startsWith('gitlab.')) return 'gitlab';
  if (host === 'codeberg.org' || host === 'gitea.com' || /^(gitea|forgejo)\./.test(host)) return 'gitea';
  return undefined;
}

/**
 * A source label as people write it (`git+https://…`, `…/repo.git`, `git@host:owner/repo`,
 * `ssh://git@host/owner/repo`, trailing slashes) as `https://host/path`; undefined for anything
 * that is not a repository address.
 */
export function normaliseSource(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let text = raw.trim();
  if (text === '' || /\s/.test(text)) return undefined;
  // scp-like `git@host:owner/repo`: a colon before the first slash, and no scheme.
  const scp = /^[A-Za-z0-9._-]+@([A-Za-z0-9.-]+):(?!\/\/)(.+)$/.exec(text);
  if (scp) text = `https://${scp[1] ?? ''}/${scp[2] ?? ''}`;
  // An ssh user (`git@`) is how one logs in, not part of the address; a user in an https URL is refused.
  text = text.replace(/^git\+/, '').replace(/^(ssh|git):\/\/(?:[^@/]+@)?/, 'https://');
  const url = parseUrl(text);
  if (url === undefined) return undefined;
  const forge = forgeOf(url.hostname.toLowerCase());
  let path = url.pathname
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .replace(/\/+$/, '');
  // Cut a link into the repository (`/tree/main`, GitLab's `/-/…`) back to the repository.
  if (forge === 'gitlab') path = path.split('/-/')[0] ?? path;
  if (forge === 'github' || forge === 'gitea') path = path.split('/').slice(0, 3).join('/');
  const segments = path.split('/').filter((segment) => segment !== '');
  if (segments.length < (forge === undefined ? 1 : 2)) return undefined;
  // Known forges serve https; an `ssh://git@host:22/…` port is the ssh port, not the web one.
  const port = forge === undefined && url.port !== '' ? `:${url.port}` : '';
  const scheme = forge === undefined ? url.protocol : 'https:';
  return `${scheme}//${url.hostname.toLowerCase()}${port}/${segments.join('/')}`;
}

/** An http(s) URL as given, or undefined for anything else (a `javascript:` label is no link). */
function webUrl(raw: string | undefined): string | undefined {
  const text = raw?.trim();
  if (text === undefined || text === '' || /\s/.test(text)) return undefined;
  return parseUrl(text) === undefined ? undefined : text;
}

function parseUrl(text: string): URL | undefined {
  try {
    const url = new URL(text);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    if (url.hostname === '' || url.username !== '' || url.password !== '') return undefined;
    return url;
  } catch {
    return undefined;
  }
}

// A version or revision goes into a path: only what a tag or a commit id is made of.
const REF_TEXT = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;

function refText(raw: string | undefined): string | undefined {
  const text = raw?.trim();
  return text !== undefined && REF_TEXT.test(text) ? text : undefined;
}

function releaseUrl(forge: Forge, repo: string, version: string): string {
  return forge === 'gitlab' ? `${repo}/-/releases/${version}` : `${repo}/releases/tag/${version}`;
}

function compareUrl(forge: Forge, repo: string, from: string, to: string): string {
  return forge === 'gitlab' ? `${repo}/-/compare/${from}...${to}` : `${repo}/compare/${from}...${to}`;
}

/**
 * The links for an update from the running image to the new one; undefined when there is none.
 * The source is the new image's, else the running one's; the compare view needs both revisions,
 * different, and the same source.
 */
export function buildReleaseLinks(
  running: ImageLabels | undefined,
  next: ImageLabels | undefined,
): ReleaseLinks | undefined {
  try {
    const nextSource = normaliseSource(next?.[OCI_SOURCE]);
    const runningSource = normaliseSource(running?.[OCI_SOURCE]);
    const source = nextSource ?? runningSource;
    const links: Record<string, string> = {};
    if (source !== undefined) links.source = source;
    const forge = source === undefined ? undefined : forgeOf(new URL(source).hostname);
    if (source !== undefined && forge !== undefined) {
      const version = refText(next?.[OCI_VERSION]);
      if (version !== undefined) links.release = releaseUrl(forge, source, version);
      const from = refText(running?.[OCI_REVISION]);
      const to = refText(next?.[OCI_REVISION]);
      const sameRepo = runningSource === undefined || runningSource === source;
      if (from !== undefined && to !== undefined && from !== to && sameRepo) {
        links.compare = compareUrl(forge, source, from, to);
      }
    }
    const url = webUrl(next?.[OCI_URL]);
    if (url !== undefined) links.url = url;
    const documentation = webUrl(next?.[OCI_DOCUMENTATION]);
    if (documentation !== undefined) links.documentation = documentation;
    return Object.keys(links).length === 0 ? undefined : links;
  } catch {
    // Labels are anyone's text: a surprise in them costs the links, never the check.
    return undefined;
  }
}
