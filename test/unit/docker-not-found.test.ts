import { describe, expect, it } from 'vitest';
import { isNotFound } from '../../src/engine/docker-errors.js';

const dockerodeError = (statusCode: number, message: string) => ({ statusCode, json: { message } });

describe('isNotFound', () => {
  it("is Docker's 404 and Podman's 500 for a container removed while it answered", () => {
    expect(isNotFound(dockerodeError(404, 'No such container: x'))).toBe(true);
    expect(
      isNotFound(dockerodeError(500, 'container 1357e5 does not exist in database: no such container')),
    ).toBe(true);
  });

  it('is not any other failure', () => {
    expect(isNotFound(dockerodeError(500, 'no such container in a sentence that goes on'))).toBe(false);
    expect(isNotFound(dockerodeError(500, 'database is locked'))).toBe(false);
    expect(isNotFound(dockerodeError(409, 'conflict'))).toBe(false);
    expect(isNotFound(new Error('socket hang up'))).toBe(false);
  });
});
