/**
 * The catalogue of expression-language error codes. A code is never reused
 * for a different problem; add new codes at the end.
 */
export const ExpressionErrorCode = {
  /** A character that cannot start any token, such as `#` or `$`. */
  UnexpectedCharacter: 'EXPR001',
  /** A string literal without its closing quote. */
  UnterminatedString: 'EXPR002',
  /** An infix operator such as `==` or `&&`; Azure's expressions have functions only. */
  OperatorNotSupported: 'EXPR003',
  /** A token where the grammar expects something else. */
  UnexpectedToken: 'EXPR004',
  /** The text ends where more is expected, such as a missing `)`. */
  UnexpectedEnd: 'EXPR005',
  /** A call to a function that does not exist. */
  UnknownFunction: 'EXPR006',
  /** A call with fewer or more arguments than the function takes. */
  WrongArgumentCount: 'EXPR007',
  /** Empty or whitespace-only text where an expression is required. */
  EmptyExpression: 'EXPR008',
  /** A number or version literal that does not parse. */
  InvalidLiteral: 'EXPR009',
  /** A bare name that is not a known named value, such as `foo` in `eq(foo, 1)`. */
  UnknownNamedValue: 'EXPR010',
  /** A function not allowed where the expression is evaluated, such as `succeeded()` in `$[ ]`. */
  FunctionNotAllowed: 'EXPR011',
  /** A named value not available where the expression is evaluated, such as `parameters` in `$[ ]`. */
  NamedValueNotAllowed: 'EXPR012',
  /** `gt`, `ge`, `lt` or `le` on values that cannot be converted to a common type. */
  CannotCompare: 'EXPR013',
  /** A function argument with an invalid value, such as a bad `format` string. */
  InvalidArgument: 'EXPR014',
  /** The evaluation context lacks what a function needs, such as the job status or a counter store. */
  MissingContext: 'EXPR015',
  /** The expression is longer or nests deeper than the limits allow. */
  LimitExceeded: 'EXPR016',
  /** An evaluation context file that cannot be read or has the wrong shape. */
  InvalidContextFile: 'EXPR017',
  /** An unknown `sluice eval --as` value. */
  InvalidEvalMode: 'EXPR018',
} as const;

/** One code from {@link ExpressionErrorCode}. */
export type ExpressionErrorCodeValue = (typeof ExpressionErrorCode)[keyof typeof ExpressionErrorCode];
