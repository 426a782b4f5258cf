import { describe, expect, it } from 'vitest';
import { readContainerLabels } from '../../src/config/index.js';

describe('readContainerLabels', () => {
  it('reads Watchtower labels', () => {
    const labels = readContainerLabels({
      'com.centurylinklabs.watchtower.enable': 'true',
      'com.centurylinklabs.watchtower.monitor-only': 'true',
      'com.centurylinklabs.watchtower.no-pull': 'false',
      'com.centurylinklabs.watchtower.scope': 'prod',
      'com.centurylinklabs.watchtower.stop-signal': 'SIGHUP',
      'com.centurylinklabs.watchtower.depends-on': 'db, /cache',
    });
    expect(labels).toEqual({
      enable: true,
      monitorOnly: true,
      noPull: false,
      scope: 'prod',
      stopSignal: 'SIGHUP',
      dependsOn: ['db', 'cache'],
      isUpdater: false,
      hooks: {},
    });
  });

  it('lets tidewatch.* win over Watchtower names', () => {
    const labels = readContainerLabels({
      'tidewatch.enable': 'false',
      'com.centurylinklabs.watchtower.enable': 'true',
    });
    expect(labels.enable).toBe(false);
  });

  it('recognises updater containers', () => {
    expect(readContainerLabels({ 'com.centurylinklabs.watchtower': 'true' }).isUpdater).toBe(true);
    expect(readContainerLabels({ 'tidewatch.self': 'true' }).isUpdater).toBe(true);
  });

  it('reads lifecycle hooks with timeouts in minutes, Tidewatch names first', () => {
    const labels = readContainerLabels({
      'com.centurylinklabs.watchtower.lifecycle.pre-update': 'echo pre',
      'com.centurylinklabs.watchtower.lifecycle.pre-update-timeout': '2',
      'tidewatch.lifecycle.post-update': 'echo post',
      'com.centurylinklabs.watchtower.lifecycle.post-update': 'echo ignored',
      'tidewatch.lifecycle.post-check': 'echo checked',
      'tidewatch.lifecycle.post-check-timeout': '0',
      'tidewatch.lifecycle.pre-check': '   ',
    });
    expect(labels.hooks).toEqual({
      'pre-update': { command: 'echo pre', timeoutMs: 120_000 },
      'post-update': { command: 'echo post', timeoutMs: 60_000 },
      'post-check': { command: 'echo checked', timeoutMs: 0 },
    });
  });

  it.each([
    [
      { 'tidewatch.lifecycle.pre-update': 'x', 'tidewatch.lifecycle.pre-update-timeout': 'soon' },
      'must be a number of minutes',
    ],
    [{ 'tidewatch.enable': 'yes please' }, 'label tidewatch.enable="yes please" must be true or false'],
    [{ 'com.centurylinklabs.watchtower.stop-signal': 'sig term' }, 'is not a signal name'],
  ])('rejects %j', (labels, message) => {
    expect(() => readContainerLabels(labels)).toThrow(message);
  });
});
