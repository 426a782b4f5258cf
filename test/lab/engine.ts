import Docker from 'dockerode';

const DEFAULT_SOCKET = '/var/run/docker.sock';
const PING_TIMEOUT_MS = 5_000;

let docker: Docker | undefined;

/** Where the lab talks to the engine: `DOCKER_HOST` when set, else the default unix socket. */
export function engineAddress(): string {
  const host = process.env.DOCKER_HOST;
  return host !== undefined && host !== '' ? host : `unix://${DEFAULT_SOCKET}`;
}

/**
 * The dockerode client every lab helper shares. No API version is pinned: without a version
 * prefix in the URL the engine answers with its own API version, so the lab follows whatever
 * engine runs the tests.
 */
export function labDocker(): Docker {
  if (docker === undefined) {
    // docker-modem already understands DOCKER_HOST (unix://, tcp://, TLS via DOCKER_CERT_PATH);
    // only the default is made explicit so it never probes ~/.docker/run/docker.sock.
    docker = process.env.DOCKER_HOST ? new Docker() : new Docker({ socketPath: DEFAULT_SOCKET });
  }
  return docker;
}

/**
 * Fails (never skips) when the engine is missing: a green run without the engine would hide
 * that no integration test ran at all.
 */
export async function assertEngine(): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
  });
  try {
    await Promise.race([labDocker().ping(), timeout]);
  } catch (error) {
    const cause = error instanceof Error ? error.message : String(error);
    throw new Error(`Docker engine unreachable at ${engineAddress()}: ${cause}. Run scripts/lab.sh`, {
      cause: error,
    });
  } finally {
    clearTimeout(timer);
  }
}
