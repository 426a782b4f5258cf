export { pointProxyAt } from './point-at.js';
export { waitUntilIdle, type DrainResult } from './in-flight.js';
export { haproxyCommand } from './haproxy.js';
