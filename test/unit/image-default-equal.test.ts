import { describe, expect, it } from 'vitest';
import { equalsImageDefault } from '../../src/updater/image-default-equal.js';

describe('equalsImageDefault', () => {
  it('sees a stop signal given by number (Podman) or without SIG as the image’s', () => {
    expect(equalsImageDefault('StopSignal', '1', 'SIGHUP')).toBe(true);
    expect(equalsImageDefault('StopSignal', 'hup', 'SIGHUP')).toBe(true);
    expect(equalsImageDefault('StopSignal', '2', 'SIGHUP')).toBe(false);
    expect(equalsImageDefault('StopSignal', 'SIGINT', 'SIGHUP')).toBe(false);
    expect(equalsImageDefault('StopSignal', '', 'SIGHUP')).toBe(false);
  });

  it('sees a health check with the engine’s defaults filled in as the image’s', () => {
    const image = { Test: ['CMD', 'true'], Interval: 500_000_000 };
    expect(equalsImageDefault('Healthcheck', { ...image, Retries: 3, Timeout: 30_000_000_000 }, image)).toBe(
      true,
    );
    expect(equalsImageDefault('Healthcheck', { ...image, Retries: 5 }, image)).toBe(false);
    expect(equalsImageDefault('Healthcheck', { ...image, Test: ['CMD', 'false'] }, image)).toBe(false);
    expect(equalsImageDefault('Healthcheck', null, image)).toBe(false);
  });

  it('compares other fields literally', () => {
    expect(equalsImageDefault('WorkingDir', '/tmp', '/tmp')).toBe(true);
    expect(equalsImageDefault('Cmd', ['sh'], ['sh', '-c'])).toBe(false);
  });
});
