import {
  advanceCase,
  buildCase,
  removeCase,
  type FaultCase,
  type ScenarioName,
  type SourceImages,
} from './scenarios.js';

/**
 * The containers of cases that ended clean, kept for the next case of the same scenario
 * (advanceCase), so most cases cost the engine their update only. A case with any violation is
 * removed, never reused: the next one starts from containers built for it. At most `maxReuse`
 * cases in a row share containers (TIDEWATCH_FAULT_REUSE, 0: every case builds its own), so
 * cases on freshly built containers keep coming throughout the run.
 */
export class CasePool {
  private readonly idle = new Map<ScenarioName, FaultCase[]>();

  constructor(
    private readonly images: SourceImages,
    private readonly maxReuse: number = reuseLimit(),
  ) {}

  /** Containers for a case labelled `label`: reused when some are idle, else built. */
  async take(scenario: ScenarioName, label: string): Promise<FaultCase> {
    const idle = this.idle.get(scenario)?.pop();
    if (idle === undefined) return buildCase(scenario, this.images, label);
    try {
      return await advanceCase(idle, this.images, label);
    } catch (error) {
      await removeCase(idle).catch(() => undefined);
      throw error;
    }
  }

  /** A case ended: its containers are kept when it was clean (and may be reused again), else removed. */
  async release(fault: FaultCase, clean: boolean): Promise<void> {
    if (clean && fault.generation < this.maxReuse) {
      this.idle.set(fault.scenario, [...(this.idle.get(fault.scenario) ?? []), fault]);
      return;
    }
    await removeCase(fault);
  }

  /** Removes every idle case's containers (afterAll). */
  async drain(): Promise<void> {
    const all = [...this.idle.values()].flat();
    this.idle.clear();
    await Promise.all(all.map((fault) => removeCase(fault)));
  }
}

/** How many cases in a row may share containers: TIDEWATCH_FAULT_REUSE, default 8. */
function reuseLimit(): number {
  const raw = process.env.TIDEWATCH_FAULT_REUSE ?? '';
  const wanted = Number(raw);
  return raw.trim() !== '' && Number.isInteger(wanted) && wanted >= 0 ? wanted : 8;
}
