import type { ExpressionValue } from '../expressions/expression-context.js';
import { castToString } from '../expressions/type-conversion.js';
import type { NodeView, TemplateScope } from './template-scope.js';

/** One pass of an `each` loop: the loop variable's value and, when known, its YAML origin. */
export type Iteration = { value: ExpressionValue; view?: NodeView };

/** Lists the iterations of `each`: items of an array, or `{key, value}` pairs of an object. */
export function eachIterations(value: ExpressionValue, view: NodeView | undefined, scope: TemplateScope): Iteration[] | undefined {
  if (value === null) return [];
  const node = view?.kind === 'node' ? view.node : undefined;

  if (view?.kind === 'parameters' && typeof value === 'object' && value.constructor === Object) {
    // `${{ each parameter in parameters }}`: the pairs keep the nodes of the parameter values.
    return Object.entries(value).map(([key, item]) => {
      const valueNode = scope.parameterNodes.get(key.toLowerCase());
      const pair: Iteration = { value: { key, value: item } };
      if (valueNode) pair.view = { kind: 'pair', key: { kind: 'scalar', text: key, tag: 'str', style: 'plain', location: valueNode.location }, value: valueNode };
      return pair;
    });
  }

  if (Array.isArray(value)) {
    const items = node?.kind === 'sequence' && node.items.length === value.length ? node.items : undefined;
    return value.map((item, index) => ({ value: item, view: items ? { kind: 'node' as const, node: items[index] } : undefined }));
  }

  if (typeof value === 'object' && value.constructor === Object) {
    const entries = node?.kind === 'mapping' ? node.entries : undefined;
    return Object.entries(value).map(([key, item]) => {
      const entry = entries?.find((candidate) => candidate.key.text === key);
      const pair: Iteration = { value: { key, value: item } };
      if (entry) pair.view = { kind: 'pair', key: entry.key, value: entry.value };
      return pair;
    });
  }
  return undefined;
}

/** Describes a value for an error message, such as `the string "a,b"`. */
export function describeValue(value: ExpressionValue): string {
  if (typeof value === 'string') return `the string "${value}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return `the ${typeof value} ${castToString(value)}`;
  return `a ${value === null ? 'null' : value.constructor.name}`;
}
