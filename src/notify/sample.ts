import type { NotifyConfig } from './config.js';
import { payloadFor } from './compose.js';
import type { Target } from './targets.js';
import type { Payload } from './types.js';

/** What `tidewatch notify test` sends to one target: the test message, with its template and title. */
export function testPayload(target: Target, config: NotifyConfig, now: number): Payload {
  const payload = payloadFor({ kind: 'test', level: 'info', time: now, containers: [] }, target, config);
  // A template that renders nothing for a test still gets a message: the point is to reach the service.
  return (
    payload ?? {
      event: 'test',
      level: 'info',
      host: config.host,
      time: now,
      containers: [],
      body: `Tidewatch test message from ${config.host}`,
    }
  );
}
