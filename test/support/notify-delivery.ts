import { silentLogger } from '../../src/log/index.js';
import { Secrets, buildTarget, type Payload } from '../../src/notify/index.js';
import type { HttpReceiver, RecordedRequest } from './receivers.js';

export interface Delivery {
  /** The requests this send made, in order (none of an earlier send's). */
  readonly requests: RecordedRequest[];
  /** The target's label, secrets redacted. */
  readonly label: string;
  readonly status: string;
  readonly secrets: Secrets;
}

/**
 * Sends `payload` through the channel of notification URL `url`, its fixed-host API pointed at
 * `receiver` (the channel factories' apiBase). A failed send rejects with the channel's error.
 */
export async function deliverTo(
  receiver: HttpReceiver,
  url: string,
  payload: Payload,
  messageId = 1,
): Promise<Delivery> {
  const secrets = new Secrets();
  const target = buildTarget(url, 0, { logger: silentLogger(), secrets, apiBase: receiver.url });
  const from = receiver.requests.length;
  const receipt = await target.channel.send(payload, { signal: AbortSignal.timeout(10_000), messageId });
  return { requests: receiver.requests.slice(from), label: target.label, status: receipt.status, secrets };
}
