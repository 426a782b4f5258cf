import { describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES, compileTemplate, formatTitle } from '../../src/notify/index.js';

const render = (source: string, data: unknown, escapes = false): string =>
  compileTemplate(source, 'test', { escapes }).render(data);

describe('the template language', () => {
  it.each([
    ['plain text', 'hello', {}, 'hello'],
    ['a value', '{{name}} is up', { name: 'web' }, 'web is up'],
    ['spaces in tags', '{{ name }}', { name: 'web' }, 'web'],
    ['a dotted path', '{{a.b.c}}', { a: { b: { c: 3 } } }, '3'],
    ['missing is empty', '[{{nope}}]', {}, '[]'],
    ['a boolean', '{{ok}}', { ok: false }, 'false'],
    ['a list value', '{{tags}}', { tags: ['a', 'b'] }, 'a, b'],
    ['an object value is empty', '[{{obj}}]', { obj: { a: 1 } }, '[]'],
    ['no HTML escaping', '{{x}}', { x: '<b>&</b>' }, '<b>&</b>'],
    ['a list section', '{{#items}}<{{name}}>{{/items}}', { items: [{ name: 'a' }, { name: 'b' }] }, '<a><b>'],
    ['{{.}} in a list', '{{#items}}{{.}};{{/items}}', { items: ['x', 'y'] }, 'x;y;'],
    ['an empty list renders nothing', 'a{{#items}}x{{/items}}b', { items: [] }, 'ab'],
    ['a true section', '{{#ok}}yes{{/ok}}', { ok: true }, 'yes'],
    ['a false section', '{{#ok}}yes{{/ok}}', { ok: false }, ''],
    ['an object section is a context', '{{#user}}{{name}}{{/user}}', { user: { name: 'ann' } }, 'ann'],
    [
      'outer names inside a section',
      '{{#items}}{{name}}@{{host}} {{/items}}',
      { host: 'h', items: [{ name: 'a' }] },
      'a@h ',
    ],
    ['inverted, missing', '{{^reason}}none{{/reason}}', {}, 'none'],
    ['inverted, empty list', '{{^items}}none{{/items}}', { items: [] }, 'none'],
    ['inverted, present', '{{^reason}}none{{/reason}}', { reason: 'x' }, ''],
    ['a comment', 'a{{! ignore me }}b', {}, 'ab'],
    ['nested sections', '{{#a}}{{#b}}{{c}}{{/b}}{{/a}}', { a: { b: [{ c: 1 }, { c: 2 }] } }, '12'],
  ])('%s', (_name, source, data, expected) => {
    expect(render(source, data)).toBe(expected);
  });

  it('a section tag alone on its line takes the line with it', () => {
    const source = ['Start', '{{#items}}', '- {{.}}', '{{/items}}', 'End'].join('\n');
    expect(render(source, { items: ['a', 'b'] })).toBe('Start\n- a\n- b\nEnd');
    expect(render(source, { items: [] })).toBe('Start\nEnd');
  });

  it('never reaches a prototype: constructor, __proto__ and toString are not fields', () => {
    expect(render('[{{constructor}}][{{toString}}][{{a.constructor.name}}]', { a: {} })).toBe('[][][]');
    expect(render('{{#constructor}}x{{/constructor}}', {})).toBe('');
  });

  it('with escapes, a literal \\n is a newline (a template in one environment variable line)', () => {
    expect(render('a\\nb', {}, true)).toBe('a\nb');
    expect(render('a\\nb', {}, false)).toBe('a\\nb');
  });

  it.each([
    ['{{#a}}x', 'never closed'],
    ['{{#a}}x{{/b}}', 'closes {{#a}}'],
    ['x{{/a}}', 'closes nothing'],
    ['{{a', 'never closed'],
    ['{{a b}}', 'not a field name'],
    ['{{a()}}', 'not a field name'],
    [
      '{{#a}}{{#b}}{{#c}}{{#d}}{{#e}}{{#f}}{{#g}}{{#h}}{{#i}}{{/i}}{{/h}}{{/g}}{{/f}}{{/e}}{{/d}}{{/c}}{{/b}}{{/a}}',
      'deeper',
    ],
  ])('%j is refused at start: %s', (source, message) => {
    expect(() => compileTemplate(source, '--notification-template')).toThrow(message);
    expect(() => compileTemplate(source, '--notification-template')).toThrow(/^--notification-template: /);
  });

  it('every default template compiles', () => {
    for (const source of Object.values(DEFAULT_TEMPLATES))
      expect(() => compileTemplate(source, 'default')).not.toThrow();
  });

  describe('release links', () => {
    const links = {
      releaseUrl: 'https://github.com/acme/app/releases/tag/v2',
      compareUrl: 'https://github.com/acme/app/compare/aaa...bbb',
      sourceUrl: 'https://github.com/acme/app',
      projectUrl: 'https://example.com/app',
      documentationUrl: 'https://docs.example.com/app',
    };
    const subject = { container: 'web', image: 'acme/app', from: 'a', to: 'b', reason: 'r', approvalId: 3 };
    const lines = [
      'Release notes: https://github.com/acme/app/releases/tag/v2',
      'Changes: https://github.com/acme/app/compare/aaa...bbb',
      'Source: https://github.com/acme/app',
      'Project: https://example.com/app',
      'Documentation: https://docs.example.com/app',
    ];
    const kinds = Object.keys(DEFAULT_TEMPLATES).filter(
      (kind) => !['report', 'test', 'state'].includes(kind),
    );

    it.each(kinds)('the %s template shows every link when present, and no empty line when absent', (kind) => {
      const template = compileTemplate(DEFAULT_TEMPLATES[kind as keyof typeof DEFAULT_TEMPLATES], kind);
      const shown = template.render({ ...subject, ...links });
      for (const line of lines) expect(shown.split('\n')).toContain(line);
      const bare = template.render(subject);
      expect(bare).not.toMatch(/Release notes|Changes:|Source:|Project:|Documentation:/);
      expect(bare).not.toMatch(/\n\n/);
    });

    it('the report shows each entry’s links under it', () => {
      const template = compileTemplate(DEFAULT_TEMPLATES.report, 'report');
      const item = { ...subject, ...links };
      const shown = template.render({
        checked: 1,
        updatedCount: 0,
        failedCount: 0,
        available: [item],
        approvals: [item],
      });
      expect(shown.split('\n').filter((line) => line === `  ${lines[1] ?? ''}`)).toHaveLength(2);
      for (const line of lines) expect(shown).toContain(`\n  ${line}`);
    });
  });

  it("titles follow Watchtower's format", () => {
    expect(formatTitle('host1', undefined)).toBe('Tidewatch updates on host1');
    expect(formatTitle('host1', 'prod')).toBe('[prod] Tidewatch updates on host1');
    expect(formatTitle('', '')).toBe('Tidewatch updates');
  });
});
