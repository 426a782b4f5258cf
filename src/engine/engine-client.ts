import type Docker from 'dockerode';
import { negotiateApiVersion, pingEngine } from './api-version.js';
import { podmanHealthcheckRunner, podmanImageHealthcheck } from './podman-health.js';
import type { EngineConnection } from './connection.js';
import { createDockerClient } from './docker-client.js';
import { DockerEngine, type EngineOptions } from './docker-engine.js';
import type { Engine } from './engine.js';
import { eventsOf, type EngineEvents } from './events.js';

/**
 * One connection to the engine, its API version negotiated once, and its parts: containers and
 * images (the Engine port), events, and the dockerode client that adapters of the engine's other
 * parts (swarm services, src/swarm) speak through, so every part talks to the same engine the same
 * way. Built once, in src/wiring.ts.
 */
export interface EngineClient {
  readonly apiVersion: string;
  readonly containers: Engine;
  readonly events: EngineEvents;
  readonly docker: Docker;
}

export async function connectEngineClient(
  connection: EngineConnection,
  options: EngineOptions = {},
): Promise<EngineClient> {
  const ping = await pingEngine(connection);
  const apiVersion = negotiateApiVersion(ping.apiVersion);
  const docker = createDockerClient(connection, apiVersion);
  const podman = ping.libpodVersion !== undefined;
  const engineOptions = podman
    ? {
        ...options,
        runHealthcheck: podmanHealthcheckRunner(connection),
        imageHealthcheck: podmanImageHealthcheck(connection),
        addressesUnreported: true,
      }
    : options;
  return {
    apiVersion,
    containers: new DockerEngine(docker, apiVersion, engineOptions),
    events: eventsOf(docker),
    docker,
  };
}

/** Connects to the engine, negotiating the API version first: the containers part alone. */
export async function connectEngine(
  connection: EngineConnection,
  options: EngineOptions = {},
): Promise<Engine> {
  return (await connectEngineClient(connection, options)).containers;
}
