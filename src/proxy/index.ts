export { pointProxyAt } from './point-at.js';
export { waitUntilIdle, establishedTo, type DrainResult } from './in-flight.js';
export { backendAddress } from './backend-address.js';
export { haproxyCommand } from './haproxy.js';
