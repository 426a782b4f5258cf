import axe from 'axe-core';
import { expect } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';

// Debian's chromium, as DESIGN.md says: no browser download, no sandbox as root, nothing online.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** A headless chromium for the dashboard's tests. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export interface ContrastViolation {
  readonly id: string;
  readonly nodes: ReadonlyArray<{ readonly target: unknown; readonly failureSummary?: string }>;
}

/** axe-core's colour-contrast violations on the page as it is now, each id prefixed with `view`. */
export async function contrastViolations(page: Page, view: string): Promise<ContrastViolation[]> {
  if ((await page.evaluate('typeof window.axe')) === 'undefined') {
    // Evaluated over the DevTools protocol: the dashboard's CSP (script-src 'self') stays in force.
    await page.evaluate(axe.source);
  }
  const result = await page.evaluate<{
    violations: ContrastViolation[];
    passes: Array<{ nodes: unknown[] }>;
  }>("window.axe.run(document, { runOnly: { type: 'rule', values: ['color-contrast'] } })");
  // The rule looked at the page's text: a run that checked nothing would pass anything.
  expect(result.passes[0]?.nodes.length ?? 0).toBeGreaterThan(3);
  return result.violations.map((violation) => ({
    id: `${view}: ${violation.id}`,
    nodes: violation.nodes.map((node) => ({ target: node.target, failureSummary: node.failureSummary })),
  }));
}
