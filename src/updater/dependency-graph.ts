import { orderByDependencies } from './dependency-order.js';

/** What the graph needs to know of a container. */
export interface DependencyNode {
  readonly name: string;
  readonly id: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Names from the depends-on labels (Tidewatch's or Watchtower's). */
  readonly dependsOn: readonly string[];
  readonly links: readonly string[];
  readonly networkMode: string | undefined;
}

export interface DependencyGraph {
  /** Every container after the containers it depends on; containers on a cycle are left out. */
  readonly order: readonly string[];
  /** Container name → the cycle it is on, e.g. `a → b → a`. */
  readonly cycles: ReadonlyMap<string, string>;
  /** Containers that depend on `name`, directly or through others, in start order. */
  dependentsOf(name: string): string[];
  /** Whether `name` runs in `provider`'s network namespace (`network_mode: container:provider`). */
  sharesNetworkOf(name: string, provider: string): boolean;
}

const COMPOSE_PROJECT = 'com.docker.compose.project';
const COMPOSE_SERVICE = 'com.docker.compose.service';
const COMPOSE_DEPENDS_ON = 'com.docker.compose.depends_on';

/**
 * Builds the graph of who depends on whom from every source Docker users express it in: legacy
 * links, a shared network namespace, the depends-on labels, and compose's depends_on. Pure.
 */
export function buildDependencyGraph(nodes: readonly DependencyNode[]): DependencyGraph {
  const byId = new Map(nodes.map((node) => [node.id, node.name]));
  const names = new Set(nodes.map((node) => node.name));
  const networkProvider = new Map<string, string>();
  const dependencies = new Map<string, string[]>();

  for (const node of nodes) {
    const found = new Set<string>();
    for (const name of node.dependsOn) found.add(name);
    // Inspect reports links as `/target:/self/alias`.
    for (const link of node.links) found.add((link.split(':')[0] ?? '').replace(/^\//, ''));
    const provider = providerOf(node.networkMode, byId, names);
    if (provider !== undefined) {
      found.add(provider);
      networkProvider.set(node.name, provider);
    }
    for (const service of composeDependsOn(node.labels[COMPOSE_DEPENDS_ON])) {
      for (const other of nodes) {
        if (
          other.labels[COMPOSE_PROJECT] === node.labels[COMPOSE_PROJECT] &&
          other.labels[COMPOSE_SERVICE] === service
        ) {
          found.add(other.name);
        }
      }
    }
    found.delete(node.name);
    dependencies.set(
      node.name,
      [...found].filter((name) => names.has(name)),
    );
  }

  const { order, cycles } = orderByDependencies(dependencies);
  const position = new Map(order.map((name, index) => [name, index]));
  return {
    order,
    cycles,
    dependentsOf(name: string): string[] {
      const result = new Set<string>();
      const visit = (target: string): void => {
        for (const [candidate, deps] of dependencies) {
          if (deps.includes(target) && !result.has(candidate) && candidate !== name) {
            result.add(candidate);
            visit(candidate);
          }
        }
      };
      visit(name);
      return [...result]
        .filter((candidate) => position.has(candidate))
        .sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0));
    },
    sharesNetworkOf: (name, provider) => networkProvider.get(name) === provider,
  };
}

/** `container:<id or name>` → the provider's name, when it is one of the containers we know. */
function providerOf(
  networkMode: string | undefined,
  byId: ReadonlyMap<string, string>,
  names: ReadonlySet<string>,
): string | undefined {
  if (!networkMode?.startsWith('container:')) return undefined;
  const target = networkMode.slice('container:'.length);
  if (names.has(target)) return target;
  for (const [id, name] of byId) if (id.startsWith(target)) return name;
  return undefined;
}

/** Compose v2 writes `db:service_started:false,cache:service_healthy:true`; older ones just `db,cache`. */
function composeDependsOn(label: string | undefined): string[] {
  if (label === undefined || label.trim() === '') return [];
  return label
    .split(',')
    .map((entry) => entry.trim().split(':')[0] ?? '')
    .filter((service) => service !== '');
}
