import type { CST } from 'yaml';

/**
 * Deepest nesting of sequences and mappings that one YAML file may have.
 * Azure Pipelines publishes no such limit. The deepest file in Sluice's corpus
 * of public pipelines nests 17 levels. The steps after parsing (composing, tree
 * building, template expansion) recurse once per level and stay within Node's
 * default stack at this depth, so deeper input is rejected before them.
 */
export const MAX_YAML_NESTING_DEPTH = 200;

const COLLECTION_TYPES = new Set(['block-map', 'block-seq', 'flow-collection']);

/**
 * Returns the offset of the first sequence or mapping nested deeper than
 * `maxDepth` in the concrete syntax tree of `yaml`, or undefined when none is.
 * It walks with an explicit stack, so deep input cannot overflow the call stack.
 */
export function findTooDeepNesting(tokens: CST.Token[], maxDepth: number = MAX_YAML_NESTING_DEPTH): number | undefined {
  const pending: { value: unknown; depth: number }[] = tokens.map((token) => ({ value: token, depth: 0 }));

  while (pending.length > 0) {
    const { value, depth } = pending.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (const item of value) pending.push({ value: item, depth });
      continue;
    }

    const token = value as { type?: unknown; offset?: unknown };
    let childDepth = depth;
    if (typeof token.type === 'string' && COLLECTION_TYPES.has(token.type)) {
      childDepth = depth + 1;
      if (childDepth > maxDepth) return typeof token.offset === 'number' ? token.offset : 0;
    }
    for (const child of Object.values(value)) {
      if (child !== null && typeof child === 'object') pending.push({ value: child, depth: childDepth });
    }
  }
  return undefined;
}
