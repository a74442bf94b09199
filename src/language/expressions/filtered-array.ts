import type { ExpressionValue } from './expression-context.js';

/**
 * The result of `x.*`: property access and indexing apply to each item, so
 * `foo.*.id` over `[{id:1},{id:2}]` gives `[1, 2]`
 * (learn.microsoft.com …/process/expressions, "Filtered arrays").
 */
export class FilteredArray extends Array<ExpressionValue> {
  // Methods such as map() and slice() return plain arrays.
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
}

/** Creates a filtered array holding `items`. */
export function createFilteredArray(items: Iterable<ExpressionValue>): FilteredArray {
  const result = new FilteredArray();
  for (const item of items) result.push(item);
  return result;
}
