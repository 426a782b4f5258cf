import Docker from 'dockerode';
import type { EngineConnection } from './connection.js';
import { sshAgent } from './ssh-stream.js';

/**
 * A dockerode client for `connection`, speaking `apiVersion` (already negotiated). The engine
 * client (engine-client.ts) builds one and shares it between its parts (containers, events, and
 * swarm services in src/swarm); none of them hands a dockerode object past its port.
 */
export function createDockerClient(connection: EngineConnection, apiVersion: string): Docker {
  const common = { version: `v${apiVersion}` };
  if (connection.kind === 'ssh') {
    // Plain HTTP over ssh processes (ssh-stream.ts), not dockerode's own ssh2 client: see there why.
    // docker-modem takes `agent` (lib/modem.js) though dockerode's types leave it out.
    const options: Docker.DockerOptions & { agent: unknown } = {
      ...common,
      protocol: 'http',
      host: 'docker',
      port: 80,
      agent: sshAgent(connection),
    };
    return new Docker(options);
  }
  return connection.kind === 'socket'
    ? new Docker({ ...common, socketPath: connection.socketPath })
    : new Docker({
        ...common,
        protocol: connection.protocol,
        host: connection.host,
        port: connection.port,
        ...(connection.tls ?? {}),
      });
}
