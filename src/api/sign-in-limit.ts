/** Sign-in attempts an address may make within the window before it is told to wait. */
export const SIGN_IN_ATTEMPTS = 10;
export const SIGN_IN_WINDOW_MS = 60_000;
/** Addresses remembered at once: a flood from many addresses cannot grow memory without bound. */
const MAX_ADDRESSES = 10_000;

/**
 * Sign-in attempts per client address, in a sliding window: at most SIGN_IN_ATTEMPTS each
 * SIGN_IN_WINDOW_MS. Ten a minute is far more than a person mistyping needs and far too few to
 * guess a token or wear down a provider. Kept in memory: a restart forgets it, as it forgets the
 * sessions themselves.
 */
export class SignInLimit {
  private readonly attempts = new Map<string, number[]>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly max = SIGN_IN_ATTEMPTS,
    private readonly windowMs = SIGN_IN_WINDOW_MS,
  ) {}

  /**
   * Counts an attempt from `address`: undefined when it may go ahead, otherwise how many seconds
   * until it may try again (refused attempts do not count, so waiting is enough).
   */
  attempt(address: string): number | undefined {
    const now = this.now();
    const recent = (this.attempts.get(address) ?? []).filter((at) => at > now - this.windowMs);
    if (recent.length >= this.max) {
      this.attempts.set(address, recent);
      const oldest = recent[0] ?? now;
      return Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000));
    }
    recent.push(now);
    // Re-inserted last: a Map iterates in insertion order, so the first key is the stalest.
    this.attempts.delete(address);
    this.attempts.set(address, recent);
    if (this.attempts.size > MAX_ADDRESSES) this.attempts.delete(this.attempts.keys().next().value ?? '');
    return undefined;
  }
}
