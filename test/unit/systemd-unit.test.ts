import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPTIONS } from '../../src/config/index.js';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const unit = read('contrib/tidewatch.service');
const settings = unit
  .split('\n')
  .filter((line) => /^[A-Za-z]+=/.test(line))
  .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const);
const values = (key: string): string[] => settings.filter(([name]) => name === key).map(([, value]) => value);

describe('contrib/tidewatch.service', () => {
  it("runs the package's own bin with `run`", () => {
    const bin = Object.keys((JSON.parse(read('package.json')) as { bin: Record<string, string> }).bin);
    expect(values('ExecStart')).toEqual([`/usr/bin/env ${bin[0]} run`]);
  });

  it('sets only variables Tidewatch reads, with the data dir systemd creates for it', () => {
    const known = new Set(OPTIONS.flatMap((option) => option.env));
    const names = values('Environment').map((assignment) => assignment.split('=')[0]);
    expect(names.filter((name) => name === undefined || !known.has(name))).toEqual([]);
    expect(values('Environment')).toContain(`TIDEWATCH_DATA_DIR=/var/lib/${values('StateDirectory')[0]}`);
  });

  it('reaches the engine through the docker group, hardened otherwise', () => {
    expect(values('SupplementaryGroups')).toEqual(['docker']);
    for (const key of ['NoNewPrivileges', 'ProtectHome', 'PrivateTmp', 'DynamicUser'])
      expect(values(key)).toEqual(['yes']);
    expect(values('ProtectSystem')).toEqual(['strict']);
  });
});
