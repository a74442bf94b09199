import type { SourceLocation } from '../language/source-location.js';

/** An edge of a stage or job graph, with the `dependsOn` entry it came from (none for implicit edges). */
export interface DependencyEdge {
  name: string;
  location?: SourceLocation;
}

/** A cycle found in a graph: the names in order, first repeated last. */
export interface DependencyCycle {
  path: string[];
  /** The explicit `dependsOn` entry that closes the cycle, when there is one. */
  location?: SourceLocation;
}

/**
 * Finds the cycles of a graph by depth-first search. Each back edge gives one
 * cycle, so a graph with two separate loops reports both. Edges to unknown
 * names are ignored (they are reported separately).
 */
export function findDependencyCycles(nodes: Map<string, DependencyEdge[]>): DependencyCycle[] {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const cycles: DependencyCycle[] = [];

  const visit = (name: string): void => {
    state.set(name, 'visiting');
    stack.push(name);
    for (const edge of nodes.get(name) ?? []) {
      if (!nodes.has(edge.name)) continue;
      const edgeState = state.get(edge.name);
      if (edgeState === 'visiting') {
        const path = [...stack.slice(stack.indexOf(edge.name)), edge.name];
        cycles.push({ path, location: edge.location ?? firstExplicitEdge(nodes, path) });
      } else if (edgeState === undefined) {
        visit(edge.name);
      }
    }
    stack.pop();
    state.set(name, 'done');
  };

  for (const name of nodes.keys()) {
    if (!state.has(name)) visit(name);
  }
  return cycles;
}

function firstExplicitEdge(nodes: Map<string, DependencyEdge[]>, path: string[]): SourceLocation | undefined {
  for (let i = 0; i + 1 < path.length; i += 1) {
    const edge = nodes.get(path[i]!)?.find((candidate) => candidate.name === path[i + 1]);
    if (edge?.location) return edge.location;
  }
  return undefined;
}

/** Returns every name that `name` depends on, directly or indirectly, in no particular order. */
export function collectAncestors(name: string, dependsOn: (name: string) => readonly string[]): Set<string> {
  const seen = new Set<string>();
  const pending = [...dependsOn(name)];
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    pending.push(...dependsOn(next));
  }
  return seen;
}
