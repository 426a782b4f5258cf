import { TidewatchError } from '../domain/errors.js';

/** A bundle refused before anything changed; the message is the one-line reason (`.reason` file). */
export class BundleRejected extends TidewatchError {
  constructor(reason: string) {
    super('bundle-rejected', reason);
  }
}
