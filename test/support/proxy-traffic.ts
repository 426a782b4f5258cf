import { Agent, get } from 'node:http';
import { labDocker } from '../lab/index.js';

/** What a client saw: answers, failures (each as one line) and the versions in the order served. */
export interface Traffic {
  readonly ok: number;
  readonly failures: string[];
  readonly versions: string[];
}

/** One GET on a new connection: status and body, or the error. */
function getOnce(url: string, agent: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent, timeout: 10_000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: body.trim() }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error('no answer within 10s')));
    request.on('error', reject);
  });
}

/**
 * Requests through the proxy, `workers` at a time (two by default) and as fast as they are answered, until stopped. Each
 * on a connection of its own: a proxy's reload closes the idle keep-alive connections of its
 * clients, and a request sent on one at that instant is lost to a race between client and proxy
 * that clients settle by retrying (RFC 9112, 9.3.1); no retry here, so any failure counts.
 */
export function sendTraffic(
  url: string,
  { workers = 2, maxRequests = 50_000 }: { workers?: number; maxRequests?: number } = {},
): { stop: () => Promise<Traffic> } {
  let running = true;
  const agent = new Agent({ keepAlive: false });
  const traffic = { ok: 0, failures: [] as string[], versions: [] as string[] };
  const worker = async (): Promise<void> => {
    // Bounded (per worker), and the caller stops it within minutes.
    for (let sent = 0; running && sent < maxRequests; sent++) {
      try {
        const { status, body } = await getOnce(url, agent);
        if (status !== 200) traffic.failures.push(`${status} ${body.slice(0, 80)}`);
        else {
          traffic.ok++;
          if (traffic.versions.at(-1) !== body) traffic.versions.push(body);
        }
      } catch (error) {
        traffic.failures.push(error instanceof Error ? error.message : String(error));
      }
    }
  };
  const inFlight = Array.from({ length: workers }, () => worker());
  return {
    stop: async () => {
      running = false;
      await Promise.all(inFlight);
      agent.destroy();
      return traffic;
    },
  };
}

/** Where a proxy dials a container now: its address on `network`, port 8080 (from the engine). */
export async function addressOn(network: string, container: string): Promise<string> {
  const info = await labDocker().getContainer(container).inspect();
  return `${info.NetworkSettings.Networks[network]?.IPAddress ?? '?'}:8080`;
}
