import type { YamlNode } from '../yaml/yaml-node.js';
import { POOL_KEYS, QUEUE_KEYS } from './key-tables.js';
import type { NormalizeContext } from './normalize-context.js';
import { checkKeys, entryValue, readStringList, scalarText } from './node-reader.js';
import type { PoolDefinition } from './pipeline-model.js';

/**
 * Normalises `pool: name` or `pool: {name, vmImage, demands}`. `legacyQueue`
 * selects the key table of the older `queue:` key, whose matrix and parallel
 * keys are read by the strategy normaliser.
 */
export function normalizePool(
  node: YamlNode | undefined,
  context: NormalizeContext,
  legacyQueue = false,
): PoolDefinition | undefined {
  if (node === undefined) return undefined;
  if (node.kind === 'scalar') {
    return node.tag === 'null' ? undefined : { name: node.text, demands: [], location: node.location };
  }
  if (node.kind !== 'mapping') return undefined;

  checkKeys(node, legacyQueue ? QUEUE_KEYS : POOL_KEYS, legacyQueue ? '"queue"' : '"pool"', context);
  const demands = readStringList(entryValue(node, 'demands'), 'demands', context).map((demand) => demand.value);
  return {
    name: scalarText(entryValue(node, 'name')),
    vmImage: scalarText(entryValue(node, 'vmImage')),
    demands,
    location: node.location,
  };
}
