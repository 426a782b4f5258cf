import { randomBytes } from 'node:crypto';

export interface RegistryOptions {
  /** Require HTTP basic auth with this one user (the registry's htpasswd backend). */
  htpasswd?: { username: string; password: string };
  /** POST push/pull events here, as a registry webhook would. */
  notifications?: { url: string; headers?: Record<string, string[]> };
  /** A pull-through cache of this registry (`http://host:port`), as a Docker Hub mirror is. */
  proxy?: { remoteurl: string };
}

export interface ConfigPaths {
  addr: string;
  rootDirectory: string;
  htpasswdPath: string;
}

/**
 * The registry's config.yml. YAML is a superset of JSON, so JSON.stringify of this object is a
 * valid config file and no YAML writer is needed.
 * Reference: https://distribution.github.io/distribution/about/configuration/ (v2.8).
 */
export function registryConfig(options: RegistryOptions, paths: ConfigPaths): Record<string, unknown> {
  const config: Record<string, unknown> = {
    version: '0.1',
    // The access log (combined format, stdout) lists every request with method, URI and status,
    // including the 401s that the JSON "response completed" lines on stderr leave out.
    log: { level: 'info', formatter: 'json', accesslog: { disabled: false } },
    storage: {
      filesystem: { rootdirectory: paths.rootDirectory },
      delete: { enabled: true },
      maintenance: { uploadpurging: { enabled: false } },
    },
    // A fixed secret silences the "generated random secret" warning; uploads stay on one instance.
    http: { addr: paths.addr, secret: randomBytes(16).toString('hex') },
  };
  if (options.htpasswd !== undefined) {
    config.auth = { htpasswd: { realm: 'tidewatch-lab', path: paths.htpasswdPath } };
  }
  if (options.proxy !== undefined) config.proxy = { remoteurl: options.proxy.remoteurl };
  if (options.notifications !== undefined) {
    const { url, headers } = options.notifications;
    // threshold 1 and a 1 s backoff: a failing endpoint is retried soon, so tests stay short.
    const endpoint = {
      name: 'tidewatch-lab',
      url,
      timeout: '1s',
      threshold: 1,
      backoff: '1s',
      ...(headers && { headers }),
    };
    config.notifications = { endpoints: [endpoint] };
  }
  return config;
}
