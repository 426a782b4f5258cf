import { TidewatchError } from '../domain/errors.js';

/**
 * A small, logic-less template language (a subset of Mustache), parsed once at start and rendered
 * without ever evaluating user text as code:
 *
 *   {{name}} {{a.b}} {{.}}    a value (missing: empty)
 *   {{#name}}…{{/name}}       a list: once per item; any other true value: once; false/empty: never
 *   {{^name}}…{{/name}}       only when name is false, missing or an empty list
 *   {{! comment }}
 *
 * A section or comment tag alone on its line takes the line with it, as in Mustache, so templates
 * can be written one tag per line. Names reach only the data's own properties, never a prototype.
 */
export interface Template {
  readonly source: string;
  render(data: unknown): string;
}

type Node =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'value'; readonly path: readonly string[] }
  | {
      readonly kind: 'section';
      readonly path: readonly string[];
      readonly inverted: boolean;
      readonly children: readonly Node[];
    };

interface Tag {
  readonly sigil: '' | '#' | '^' | '/' | '!';
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

const MAX_SOURCE = 20_000;
const MAX_DEPTH = 8;
const NAME = /^(?:\.|[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)$/;

function invalid(what: string, message: string): TidewatchError {
  return new TidewatchError('invalid-config', `${what}: ${message}`);
}

function findTags(source: string, what: string): Tag[] {
  const tags: Tag[] = [];
  let at = 0;
  for (;;) {
    const open = source.indexOf('{{', at);
    if (open < 0) return tags;
    const close = source.indexOf('}}', open + 2);
    if (close < 0) throw invalid(what, `"{{" at ${open} is never closed`);
    const inner = source.slice(open + 2, close).trim();
    const first = inner.charAt(0);
    const sigil = first === '#' || first === '^' || first === '/' || first === '!' ? first : '';
    const name = inner.slice(sigil.length).trim();
    if (sigil !== '!' && !NAME.test(name)) throw invalid(what, `"{{${inner}}}" is not a field name`);
    tags.push({ sigil, name, start: open, end: close + 2 });
    at = close + 2;
  }
}

/** A section, closing or comment tag alone on its line: the whole line goes, newline included. */
function standaloneSpan(source: string, tag: Tag): { start: number; end: number } {
  if (tag.sigil === '') return tag;
  const lineStart = source.lastIndexOf('\n', tag.start - 1) + 1;
  const newline = source.indexOf('\n', tag.end);
  const lineEnd = newline < 0 ? source.length : newline + 1;
  const before = source.slice(lineStart, tag.start);
  const after = source.slice(tag.end, newline < 0 ? source.length : newline).replace(/\r$/, '');
  return before.trim() === '' && after.trim() === '' ? { start: lineStart, end: lineEnd } : tag;
}

function parse(source: string, what: string): Node[] {
  const root: Node[] = [];
  const stack: Array<{ name: string; inverted: boolean; children: Node[] }> = [];
  let children = root;
  let at = 0;
  for (const tag of findTags(source, what)) {
    const span = standaloneSpan(source, tag);
    // Two tags on one line: the first may have claimed the line already.
    const start = Math.max(span.start, at);
    if (start > at) children.push({ kind: 'text', text: source.slice(at, start) });
    at = Math.max(span.end, at);
    const path = tag.name === '.' ? ['.'] : tag.name.split('.');
    switch (tag.sigil) {
      case '!':
        break;
      case '':
        children.push({ kind: 'value', path });
        break;
      case '#':
      case '^': {
        if (stack.length >= MAX_DEPTH) throw invalid(what, `sections nest deeper than ${MAX_DEPTH}`);
        const section = { name: tag.name, inverted: tag.sigil === '^', children: [] as Node[] };
        children.push({ kind: 'section', path, inverted: section.inverted, children: section.children });
        stack.push(section);
        children = section.children;
        break;
      }
      case '/': {
        const open = stack.pop();
        if (open?.name !== tag.name)
          throw invalid(what, `{{/${tag.name}}} closes ${open ? `{{#${open.name}}}` : 'nothing'}`);
        children = stack.at(-1)?.children ?? root;
        break;
      }
    }
  }
  const unclosed = stack.at(-1);
  if (unclosed) throw invalid(what, `{{#${unclosed.name}}} is never closed`);
  if (at < source.length) children.push({ kind: 'text', text: source.slice(at) });
  return root;
}

function own(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

/** Mustache lookup: the first frame, innermost first, that has the path's first name. */
function lookup(frames: readonly unknown[], path: readonly string[]): unknown {
  if (path[0] === '.') return frames.at(-1);
  const [head, ...rest] = path;
  if (head === undefined) return undefined;
  for (let index = frames.length - 1; index >= 0; index -= 1) {
    const frame = frames[index];
    if (frame !== null && typeof frame === 'object' && Object.hasOwn(frame, head)) {
      return rest.reduce<unknown>((value, key) => own(value, key), own(frame, head));
    }
  }
  return undefined;
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(text).join(', ');
  return '';
}

function truthy(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}

function renderNodes(nodes: readonly Node[], frames: readonly unknown[]): string {
  let out = '';
  for (const node of nodes) {
    if (node.kind === 'text') out += node.text;
    else if (node.kind === 'value') out += text(lookup(frames, node.path));
    else {
      const value = lookup(frames, node.path);
      if (node.inverted) {
        if (!truthy(value)) out += renderNodes(node.children, frames);
      } else if (Array.isArray(value)) {
        for (const item of value) out += renderNodes(node.children, [...frames, item]);
      } else if (truthy(value)) {
        out += renderNodes(node.children, [...frames, value]);
      }
    }
  }
  return out;
}

/**
 * Parses `source` (named `what` in errors: the flag or URL it came from). With `escapes`, a
 * literal `\n` becomes a newline: a template given in one line of an environment variable.
 */
export function compileTemplate(source: string, what: string, options: { escapes?: boolean } = {}): Template {
  if (source.length > MAX_SOURCE) throw invalid(what, `longer than ${MAX_SOURCE} characters`);
  const unescaped = options.escapes === true ? source.replace(/\\n/g, '\n') : source;
  const nodes = parse(unescaped, what);
  return { source, render: (data) => renderNodes(nodes, [data]) };
}
