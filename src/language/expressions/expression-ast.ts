import type { ExpressionValue } from './expression-context.js';

/**
 * The syntax tree of one expression. Every node keeps `offset` and `length`,
 * counted in UTF-16 code units from the start of the expression text, so an
 * error can point at the exact column.
 */
export type ExpressionNode =
  | LiteralNode
  | NamedValueNode
  | PropertyAccessNode
  | IndexAccessNode
  | FilterNode
  | FunctionCallNode;

interface NodeSpan {
  offset: number;
  length: number;
}

/** A boolean, number, string or version written in the expression. */
export interface LiteralNode extends NodeSpan {
  kind: 'literal';
  value: ExpressionValue;
}

/** A top-level name such as `variables`, `parameters` or a loop variable. */
export interface NamedValueNode extends NodeSpan {
  kind: 'namedValue';
  name: string;
}

/** Property syntax `target.name`. */
export interface PropertyAccessNode extends NodeSpan {
  kind: 'property';
  target: ExpressionNode;
  name: string;
}

/** Index syntax `target[index]`, with a string or number index. */
export interface IndexAccessNode extends NodeSpan {
  kind: 'index';
  target: ExpressionNode;
  index: ExpressionNode;
}

/** Filtered array `target.*` (or `target[*]`), which yields the values of the target. */
export interface FilterNode extends NodeSpan {
  kind: 'filter';
  target: ExpressionNode;
}

/** A call such as `eq(a, b)`. `name` is spelled as written; lookup is case-insensitive. */
export interface FunctionCallNode extends NodeSpan {
  kind: 'call';
  name: string;
  args: ExpressionNode[];
}
