import { describe, expect, it } from 'vitest';
import { OPTIONS, OPTION_GROUPS } from '../../src/config/index.js';

describe('option groups (the headings of --help)', () => {
  it('hold every option exactly once', () => {
    const grouped = OPTION_GROUPS.flatMap((group) => group.options.map((option) => option.key));
    expect([...grouped].sort()).toEqual(OPTIONS.map((option) => option.key).sort());
    expect(new Set(grouped).size).toBe(grouped.length);
  });

  it('are read by run at least', () => {
    for (const group of OPTION_GROUPS) expect(group.usedBy).toContain('run');
  });
});
