import { setTimeout as delay } from 'node:timers/promises';

/** Epoch milliseconds. Injected so tests control time instead of sleeping. */
export type Clock = () => number;

/** Waits `ms`, or rejects when `signal` aborts. Injected with the clock for the same reason. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const systemClock: Clock = () => Date.now();

export const systemSleep: Sleep = async (ms, signal) => {
  await delay(ms, undefined, signal ? { signal } : {});
};
