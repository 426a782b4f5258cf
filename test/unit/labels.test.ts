import { describe, expect, it } from 'vitest';
import { LABELS, readContainerLabels, readPolicyLabels } from '../../src/config/index.js';

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
      verify: {},
      strategy: undefined,
      drainMs: undefined,
      stopTimeoutMs: undefined,
    });
  });

  it('reads tidewatch.stop-timeout as a duration, and names the label when it is not one', () => {
    expect(readContainerLabels({ 'tidewatch.stop-timeout': '90s' }).stopTimeoutMs).toBe(90_000);
    expect(readContainerLabels({ 'tidewatch.stop-timeout': '0' }).stopTimeoutMs).toBe(0);
    // Watchtower has no such label: its prefix is not read for it.
    expect(
      readContainerLabels({ 'com.centurylinklabs.watchtower.stop-timeout': '5s' }).stopTimeoutMs,
    ).toBeUndefined();
    expect(() => readContainerLabels({ 'tidewatch.stop-timeout': 'soon' })).toThrow(
      /tidewatch\.stop-timeout/,
    );
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

  describe('verification and strategy labels', () => {
    it.each([
      [{}, {}],
      [{ 'tidewatch.verify.timeout': '30s' }, { verify: { timeoutMs: 30_000 } }],
      [{ 'tidewatch.verify.timeout': '2m' }, { verify: { timeoutMs: 120_000 } }],
      [{ 'tidewatch.verify.timeout': '90' }, { verify: { timeoutMs: 90_000 } }],
      [{ 'tidewatch.verify.window': '1m30s' }, { verify: { windowMs: 90_000 } }],
      [
        { 'tidewatch.verify.cmd': ' wget -q -O- localhost:8080/health ' },
        { verify: { command: 'wget -q -O- localhost:8080/health' } },
      ],
      [
        { 'tidewatch.verify.http': 'http://127.0.0.1:8080/health' },
        { verify: { httpUrl: 'http://127.0.0.1:8080/health' } },
      ],
      [
        { 'tidewatch.verify.http': 'https://app.example/ready?deep=1' },
        { verify: { httpUrl: 'https://app.example/ready?deep=1' } },
      ],
      [{ 'tidewatch.strategy': 'start-first' }, { strategy: 'start-first' }],
      [{ 'tidewatch.strategy': 'Stop-First' }, { strategy: 'stop-first' }],
      [{ 'tidewatch.strategy': 'auto' }, { strategy: 'auto' }],
      [{ 'tidewatch.drain': '5s' }, { drainMs: 5000 }],
      [{ 'tidewatch.drain': '0' }, { drainMs: 0 }],
      // An empty label is no label: the global setting applies.
      [{ 'tidewatch.verify.cmd': '  ', 'tidewatch.strategy': '', 'tidewatch.drain': '' }, {}],
      [
        {
          'tidewatch.verify.timeout': '45s',
          'tidewatch.verify.window': '20s',
          'tidewatch.verify.cmd': 'true',
          'tidewatch.verify.http': 'http://localhost/',
          'tidewatch.strategy': 'start-first',
          'tidewatch.drain': '500ms',
        },
        {
          verify: { timeoutMs: 45_000, windowMs: 20_000, command: 'true', httpUrl: 'http://localhost/' },
          strategy: 'start-first',
          drainMs: 500,
        },
      ],
    ])('reads %j', (labels, expected) => {
      const read = readContainerLabels(labels);
      expect({ verify: read.verify, strategy: read.strategy, drainMs: read.drainMs }).toEqual({
        verify: {},
        strategy: undefined,
        drainMs: undefined,
        ...expected,
      });
    });

    it('has no Watchtower names: Watchtower never verified an update', () => {
      const read = readContainerLabels({
        'com.centurylinklabs.watchtower.verify.timeout': 'soon',
        'com.centurylinklabs.watchtower.strategy': 'start-first',
      });
      expect(read.verify).toEqual({});
      expect(read.strategy).toBeUndefined();
    });

    it.each([
      [
        'tidewatch.verify.timeout',
        'soon',
        'label tidewatch.verify.timeout="soon" must be a duration such as 30s or 2m',
      ],
      [
        'tidewatch.verify.timeout',
        '0',
        'label tidewatch.verify.timeout="0" must be a duration such as 30s or 2m',
      ],
      ['tidewatch.verify.timeout', '-5s', 'label tidewatch.verify.timeout="-5s" must be a duration'],
      [
        'tidewatch.verify.window',
        '10 s',
        'label tidewatch.verify.window="10 s" must be a duration such as 30s or 2m',
      ],
      [
        'tidewatch.verify.http',
        '/health',
        'label tidewatch.verify.http="/health" must be an absolute http:// or https:// URL',
      ],
      [
        'tidewatch.verify.http',
        'localhost:8080/health',
        'label tidewatch.verify.http="localhost:8080/health" must be an absolute http',
      ],
      ['tidewatch.verify.http', 'ftp://files.example/x', 'must be an absolute http:// or https:// URL'],
      ['tidewatch.verify.http', 'http://', 'must be an absolute http:// or https:// URL'],
      [
        'tidewatch.strategy',
        'blue-green',
        'label tidewatch.strategy="blue-green" must be stop-first, start-first or auto',
      ],
      [
        'tidewatch.drain',
        'a while',
        'label tidewatch.drain="a while" must be a duration such as 0, 30s or 2m',
      ],
    ])('rejects %s=%j with one line', (name, value, message) => {
      const read = (): unknown => readContainerLabels({ [name]: value });
      expect(read).toThrow(message);
      expect(read).toThrow(expect.objectContaining({ code: 'invalid-label' }));
      expect(read).not.toThrow(/\n/);
    });
  });

  describe('stop signals: what the engine accepts, checked before anything is pulled', () => {
    it.each([
      ['SIGQUIT', 'SIGQUIT'],
      ['quit', 'SIGQUIT'],
      ['sigterm', 'SIGTERM'],
      [' SIGHUP ', 'SIGHUP'],
      ['SIGWINCH', 'SIGWINCH'],
      ['SIGPOLL', 'SIGPOLL'],
      ['SIGSTKFLT', 'SIGSTKFLT'],
      ['SIGRTMIN', 'SIGRTMIN'],
      ['sigrtmin+3', 'SIGRTMIN+3'],
      ['SIGRTMIN+15', 'SIGRTMIN+15'],
      ['RTMAX-14', 'SIGRTMAX-14'],
      ['SIGRTMAX', 'SIGRTMAX'],
      ['1', '1'],
      ['15', '15'],
      ['31', '31'],
      ['34', '34'],
      ['64', '64'],
      ['+9', '9'],
      ['015', '15'],
    ])('%j is sent as %j', (value, signal) => {
      expect(readContainerLabels({ 'tidewatch.stop-signal': value }).stopSignal).toBe(signal);
    });

    it('an empty label is no label', () => {
      expect(readContainerLabels({ 'tidewatch.stop-signal': ' ' }).stopSignal).toBeUndefined();
    });

    // 32 and 33 are glibc's (the engine answers "does not support signal 32"); RTMIN+16 is past RTMAX.
    it.each([
      'SIGFOO',
      'FOO',
      'SIG',
      '0',
      '32',
      '33',
      '65',
      '-9',
      'SIGRTMIN+16',
      'RTMAX-15',
      'SIGUNUSED',
      '9x',
    ])('refuses %j with one line naming the label', (value) => {
      for (const key of ['tidewatch.stop-signal', 'com.centurylinklabs.watchtower.stop-signal']) {
        const read = (): unknown => readContainerLabels({ [key]: value });
        expect(read).toThrow(`label ${key}="${value}" is not a signal name the engine accepts`);
        expect(read).toThrow(expect.objectContaining({ code: 'invalid-label' }));
        expect(read).not.toThrow(/\n/);
      }
    });
  });

  describe('lifecycle hook timeouts: every one is checked, with or without its command', () => {
    it.each(['soon', '-1', '1e3', '0x10', 'Infinity', '2m', '1,5'])('refuses %j', (value) => {
      const cases: Array<Record<string, string>> = [
        { 'tidewatch.lifecycle.pre-update-timeout': value },
        { 'tidewatch.lifecycle.pre-update': 'echo pre', 'tidewatch.lifecycle.pre-update-timeout': value },
        { 'com.centurylinklabs.watchtower.lifecycle.post-check-timeout': value },
      ];
      for (const labels of cases) {
        const [key] = Object.keys(labels).filter((name) => name.endsWith('-timeout'));
        const read = (): unknown => readContainerLabels(labels);
        expect(read).toThrow(`label ${key}="${value}" must be a number of minutes (0 for no limit)`);
        expect(read).toThrow(expect.objectContaining({ code: 'invalid-label' }));
      }
    });

    it('reads fractions of a minute; an empty timeout is the default', () => {
      const labels = readContainerLabels({
        'tidewatch.lifecycle.pre-check': 'echo a',
        'tidewatch.lifecycle.pre-check-timeout': '0.5',
        'tidewatch.lifecycle.post-check': 'echo b',
        'tidewatch.lifecycle.post-check-timeout': '',
        'tidewatch.lifecycle.pre-update-timeout': '3',
      });
      expect(labels.hooks).toEqual({
        'pre-check': { command: 'echo a', timeoutMs: 30_000 },
        'post-check': { command: 'echo b', timeoutMs: 60_000 },
      });
    });
  });

  // Every label that holds a time (a timeout, a window, a drain, a cooldown, a deadline) in the
  // reference table: a value that is no duration, or a negative one, makes the container unknown.
  describe.each(
    LABELS.filter((label) => ['duration', 'minutes'].includes(label.values)).map((label) => label.key),
  )('the time label %s', (key) => {
    const read = (labels: Record<string, string>): void => {
      readContainerLabels(labels);
      readPolicyLabels(labels);
    };
    it.each(['abc', '-5s', '-1', '5 m'])('refuses %j naming the label', (value) => {
      expect(() => read({ [key]: value })).toThrow(`label ${key}="${value}"`);
      expect(() => read({ [key]: value })).toThrow(expect.objectContaining({ code: 'invalid-label' }));
    });
    it('takes its example', () => {
      const example = LABELS.find((label) => label.key === key)?.example ?? '';
      expect(() => read({ [key]: example })).not.toThrow();
    });
  });
});
