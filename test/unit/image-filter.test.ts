import { describe, expect, it } from 'vitest';
import { imageMatcher, parseImageRef } from '../../src/domain/index.js';

describe('imageMatcher', () => {
  const cases: Array<[string[], string, boolean]> = [
    [['127.0.0.1:5000/app'], '127.0.0.1:5000/app:1.0', true],
    [['127.0.0.1:5000/app'], '127.0.0.1:5001/app:1.0', false],
    [['127.0.0.1:5000/app'], 'app:latest', false],
    [['127.0.0.1:5000/app:1.0'], '127.0.0.1:5000/app:1.0', true],
    [['127.0.0.1:5000/app:1.0'], '127.0.0.1:5000/app:2.0', false],
    [['nginx'], 'docker.io/library/nginx:1.27', true],
    [['docker.io/library/nginx:latest'], 'nginx', true],
    [['ghcr.io/a/b', 'nginx:1'], 'nginx:1', true],
    [['ghcr.io/a/b'], 'ghcr.io/a/bc', false],
    [['localhost:5000/team/app@sha256:' + 'a'.repeat(64)], 'localhost:5000/team/app:x', true],
  ];
  it.each(cases)('%j matches %s: %s', (references, image, expected) => {
    expect(imageMatcher(references)(parseImageRef(image))).toBe(expected);
  });

  it('rejects a reference that does not parse, naming it', () => {
    expect(() => imageMatcher(['UPPER/case'])).toThrow('invalid image reference "UPPER/case"');
  });
});
