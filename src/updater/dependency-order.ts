/**
 * Orders containers so that each comes after the containers it depends on (depends-on labels),
 * so a dependency is updated before what uses it. Containers on a cycle cannot be ordered: they are
 * returned apart, with the cycle spelled out, and the rest still go on. Pure.
 */
export interface DependencyOrder {
  readonly order: readonly string[];
  /** Container name → the cycle it is on, e.g. `a → b → a`. */
  readonly cycles: ReadonlyMap<string, string>;
}

export function orderByDependencies(dependencies: ReadonlyMap<string, readonly string[]>): DependencyOrder {
  const order: string[] = [];
  const cycles = new Map<string, string>();
  const state = new Map<string, 'visiting' | 'done'>();

  const visit = (name: string, path: string[]): void => {
    const seen = state.get(name);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      const loop = [...path.slice(path.indexOf(name)), name];
      for (const member of loop) cycles.set(member, loop.join(' → '));
      return;
    }
    state.set(name, 'visiting');
    for (const dependency of dependencies.get(name) ?? []) {
      // Dependencies outside this run are not ours to order.
      if (dependencies.has(dependency)) visit(dependency, [...path, name]);
    }
    state.set(name, 'done');
    if (!cycles.has(name)) order.push(name);
  };

  for (const name of [...dependencies.keys()].sort()) visit(name, []);
  return { order: order.filter((name) => !cycles.has(name)), cycles };
}
