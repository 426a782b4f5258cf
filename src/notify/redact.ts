/**
 * The secrets of the configured notification URLs (tokens, passwords, webhook keys). Every text
 * that leaves the notifier for a log, an error or the API goes through `redact`, so a secret is
 * never shown even when an HTTP library or a server echoes the URL back in an error.
 */
export class Secrets {
  private readonly known = new Set<string>();

  /** Values shorter than 3 characters are not secrets worth garbling every message for. */
  add(...values: ReadonlyArray<string | null | undefined>): void {
    for (const value of values) {
      if (value === null || value === undefined || value.length < 3) continue;
      this.known.add(value);
      // The forms a URL or a query string may show it in.
      this.known.add(encodeURIComponent(value));
      this.known.add(encodeURIComponent(value).replace(/%20/g, '+'));
    }
  }

  values(): string[] {
    return [...this.known];
  }

  redact(text: string): string {
    // Longest first: a secret that contains another is replaced whole.
    const ordered = [...this.known].sort((a, b) => b.length - a.length);
    return ordered.reduce((out, secret) => out.split(secret).join('***'), text);
  }
}
