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

  it.each([
    [{ 'tidewatch.enable': 'yes please' }, 'label tidewatch.enable="yes please" must be true or false'],
    [{ 'com.centurylinklabs.watchtower.stop-signal': 'sig term' }, 'is not a signal name'],
  ])('rejects %j', (labels, message) => {
    expect(() => readContainerLabels(labels)).toThrow(message);
  });
});
