import type { ContainerFacts } from '../types.js';

/**
 * Home Assistant MQTT discovery: each container becomes an `update` entity of one device,
 * "Tidewatch on HOST". The config is published retained at
 * <prefix>/update/<object id>/config and the state, also retained, at
 * tidewatch/<host>/<container>/state as {installed_version, latest_version, title, release_summary}.
 * See https://www.home-assistant.io/integrations/update.mqtt/.
 */
export interface Publication {
  readonly topic: string;
  readonly payload: string;
  readonly retain: boolean;
}

/** Discovery ids allow [a-zA-Z0-9_-] only. */
export function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_');
}

export function stateTopic(host: string, container: string): string {
  return `tidewatch/${slug(host)}/${slug(container)}/state`;
}

export function configTopic(prefix: string, host: string, container: string): string {
  return `${prefix}/update/${slug(`tidewatch_${host}_${container}`)}/config`;
}

export function discoveryConfig(host: string, container: string): Record<string, unknown> {
  return {
    name: container,
    unique_id: slug(`tidewatch_${host}_${container}`),
    state_topic: stateTopic(host, container),
    device: {
      identifiers: [slug(`tidewatch_${host}`)],
      name: `Tidewatch on ${host}`,
      manufacturer: 'Tidewatch',
      model: 'Container updates',
    },
    origin: { name: 'Tidewatch' },
  };
}

export function updateState(facts: ContainerFacts): Record<string, unknown> {
  const installed = facts.installed ?? '';
  return {
    installed_version: installed,
    latest_version: facts.latest ?? installed,
    title: facts.image,
    ...(facts.reason !== undefined ? { release_summary: facts.reason.slice(0, 255) } : {}),
  };
}

/** The retained config and state of every container a message is about. */
export function homeAssistantPublications(
  prefix: string,
  host: string,
  containers: readonly ContainerFacts[],
): Publication[] {
  return containers.flatMap((facts) => [
    {
      topic: configTopic(prefix, host, facts.container),
      payload: JSON.stringify(discoveryConfig(host, facts.container)),
      retain: true,
    },
    { topic: stateTopic(host, facts.container), payload: JSON.stringify(updateState(facts)), retain: true },
  ]);
}
