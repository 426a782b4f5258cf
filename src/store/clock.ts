/** Epoch milliseconds. Injected so tests control every time the store records. */
export type Clock = () => number;
