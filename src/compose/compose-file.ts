import { readFileSync, writeFileSync } from 'node:fs';
import { yaml } from '../config/index.js';
import { TidewatchError } from '../domain/errors.js';

/** A compose file before and after a write-back: `restore` puts the original bytes back. */
export interface ImageEdit {
  readonly file: string;
  readonly from: string;
  readonly to: string;
  restore(): void;
}

/** The file (of the project's, merged in order) whose `services.SERVICE.image` wins: the last that sets it. */
export function findImageFile(
  files: readonly string[],
  service: string,
): { file: string; image: string } | undefined {
  let found: { file: string; image: string } | undefined;
  for (const file of files) {
    const node = imageNode(readFileSync(file, 'utf8'), service, file);
    if (node) found = { file, image: String(node.value) };
  }
  return found;
}

/**
 * Rewrites the `image:` of one service to `image`, touching nothing else: the YAML Document API
 * finds the scalar and its byte range, and only those bytes are replaced, so comments, order,
 * quoting and formatting stay exactly as they were (a diff shows only the tag).
 */
export function writeImage(file: string, service: string, toImage: (current: string) => string): ImageEdit {
  const original = readFileSync(file, 'utf8');
  const node = imageNode(original, service, file);
  if (!node?.range) {
    throw new TidewatchError(
      'compose-write-back',
      `${file}: service ${service} has no image: to write back to`,
    );
  }
  const from = String(node.value);
  if (from.includes('$')) {
    throw new TidewatchError(
      'compose-write-back',
      `${file}: the image of ${service} is interpolated (${from}); set the variable instead`,
    );
  }
  const to = toImage(from);
  const [start, end] = node.range;
  const text = original.slice(start, end);
  if (!text.includes(from)) {
    throw new TidewatchError(
      'compose-write-back',
      `${file}: the image of ${service} is written in a form Tidewatch cannot edit`,
    );
  }
  writeFileSync(file, original.slice(0, start) + text.replace(from, to) + original.slice(end));
  return { file, from, to, restore: () => writeFileSync(file, original) };
}

function imageNode(source: string, service: string, file: string): ReturnType<typeof scalarAt> {
  const doc = yaml().parseDocument(source);
  if (doc.errors.length > 0) {
    throw new TidewatchError('compose-file-invalid', `${file}: ${doc.errors[0]?.message ?? 'invalid YAML'}`);
  }
  return scalarAt(doc.getIn(['services', service], true), file);
}

function scalarAt(
  serviceNode: unknown,
  file: string,
): { value: unknown; range?: [number, number, number] | null } | undefined {
  const { isMap, isScalar } = yaml();
  if (!isMap(serviceNode)) return undefined;
  const image = serviceNode.get('image', true);
  if (image === undefined) return undefined;
  if (!isScalar(image)) throw new TidewatchError('compose-file-invalid', `${file}: image: is not a string`);
  return image;
}
