import type { LabRegistry } from '../../test/lab/index.js';
import { startBenchDaemon, round, sampleProcess } from '../support/daemon.js';
import { callsBetween, startEngineProxy, type EngineCalls } from '../support/engine-proxy.js';

export interface CycleMeasure {
  readonly wallMs: number;
  readonly manifestRequests: number;
  /** `GET /v2/`: the challenge (the lab registry is open, so it never asks for a token). */
  readonly pingRequests: number;
  readonly tokenRequests: number;
  readonly registryRequests: number;
  readonly engine: EngineCalls;
  readonly checked: number;
}

export interface CheckCycleResult {
  readonly containers: number;
  readonly images: number;
  /** Startup to /readyz of the daemon measured. */
  readonly readyMs: number;
  /** The first cycle: nothing known yet, every container inspected. */
  readonly cold: CycleMeasure;
  /** The next one, with nothing changed in between: what every later cycle costs. */
  readonly warm: CycleMeasure;
  readonly peakRssMb: number;
}

/**
 * Runs `tidewatch run` (no startup check) with its engine socket behind a counting proxy, and
 * asks it for two cycles over the API (POST /api/v1/check answers when the cycle is done).
 */
export async function measureCheckCycle(
  registry: LabRegistry,
  scope: string,
  containers: number,
  images: number,
): Promise<CheckCycleResult> {
  const proxy = await startEngineProxy();
  const daemon = await startBenchDaemon(['--scope', scope, '--interval', '1h', '--no-startup-check'], {
    DOCKER_HOST: proxy.dockerHost,
  });
  try {
    const cycle = async (): Promise<CycleMeasure> => {
      await registry.flush();
      registry.resetRequests();
      const before = proxy.calls();
      const started = performance.now();
      const report = (await daemon.post('/api/v1/check')) as { checked?: number; entries?: unknown[] };
      const wallMs = round(performance.now() - started, 0);
      const engine = callsBetween(before, proxy.calls());
      await registry.flush();
      const requests = registry.requests();
      return {
        wallMs,
        manifestRequests: registry.manifestRequests().length,
        pingRequests: requests.filter((request) => request.path === '/v2/').length,
        tokenRequests: requests.filter((request) => /token/.test(request.path)).length,
        registryRequests: requests.length,
        engine,
        checked: report.checked ?? report.entries?.length ?? 0,
      };
    };
    // A moment for the inventory's event stream to open (it is opened as the daemon starts).
    await new Promise((resolve) => setTimeout(resolve, 200));
    const cold = await cycle();
    const warm = await cycle();
    return {
      containers,
      images,
      readyMs: round(daemon.readyMs, 0),
      cold,
      warm,
      peakRssMb: sampleProcess(daemon.pid).peakRssMb,
    };
  } finally {
    await daemon.stop();
    await proxy.close();
  }
}
