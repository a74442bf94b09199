import { ExpressionDateTime } from '../expression-context.js';
import { ExpressionErrorCode } from '../expression-error-codes.js';
import { DateFormatError, formatDateTime } from '../date-time-format.js';
import { castToString, kindOf } from '../type-conversion.js';
import { isLiteralArgument, type ExpressionFunction, type FunctionCall } from './expression-function.js';

const FORMAT_HINT = "Write {0}, {1}, … for the arguments, {0:yyyyMMdd} for a date, and {{ or }} for a literal brace.";

/**
 * `format(pattern, arg0, arg1, …)`: replaces `{n}` with argument n cast to
 * string, and `{n:spec}` with a date-time in a .NET custom format such as
 * `yyyyMMdd`. `{{` and `}}` are literal braces (learn.microsoft.com …/process/expressions#format).
 */
export const formatFunction: ExpressionFunction = {
  name: 'format',
  minArgs: 1,
  maxArgs: Infinity,
  usage: "format('{0}.{1}', value0, value1)",
  invoke(call) {
    const pattern = castToString(call.argument(0));
    let output = '';
    let position = 0;

    while (position < pattern.length) {
      const character = pattern[position]!;
      const next = pattern[position + 1];
      if ((character === '{' && next === '{') || (character === '}' && next === '}')) {
        output += character;
        position += 2;
        continue;
      }
      if (character === '}') invalidPattern(call, `a '}' at position ${position} has no matching '{'.`);
      if (character !== '{') {
        output += character;
        position += 1;
        continue;
      }

      const close = pattern.indexOf('}', position);
      if (close < 0) invalidPattern(call, `a '{' at position ${position} has no matching '}'.`);
      output += formatItem(call, pattern.slice(position + 1, close));
      position = close + 1;
    }
    return output;
  },
};

/** Formats one `{index}` or `{index:spec}` item. */
function formatItem(call: FunctionCall, item: string): string {
  const match = /^\s*(\d+)\s*(?::(.*))?$/s.exec(item);
  if (!match) invalidPattern(call, `${quoteItem(call, `{${item}}`)} is not a valid format item.`);

  const argumentIndex = Number(match[1]) + 1;
  if (argumentIndex >= call.argumentCount) {
    call.fail(
      ExpressionErrorCode.InvalidArgument,
      `The format item ${quoteItem(call, `{${item}}`)} refers to argument ${argumentIndex - 1}, but only ${call.argumentCount - 1} ${call.argumentCount === 2 ? 'argument follows' : 'arguments follow'} the format string.`,
      'Number the format items from {0}, one for each argument after the format string.',
      0,
    );
  }

  const value = call.argument(argumentIndex);
  const spec = match[2];
  if (spec === undefined || spec === '') return castToString(value);
  if (!(value instanceof ExpressionDateTime)) {
    call.fail(
      ExpressionErrorCode.InvalidArgument,
      `The format specifier ${quoteItem(call, spec)} applies only to date-time values, but argument ${argumentIndex - 1} is a ${kindOf(value)}.`,
      'Remove the specifier, or pass a date-time such as pipeline.startTime.',
      argumentIndex,
    );
  }

  try {
    return formatDateTime(value, spec);
  } catch (error) {
    if (error instanceof DateFormatError) {
      // The reasons name only quote characters and specifier letters, never other text of the pattern.
      invalidPattern(call, `the date format ${quoteItem(call, spec)} is invalid: ${error.message}`);
    }
    throw error;
  }
}

/** Quotes part of the format string when it is a literal; a pattern read from a variable is not shown. */
function quoteItem(call: FunctionCall, text: string): string {
  return isLiteralArgument(call, 0) ? `'${text}'` : '(from a variable)';
}

function invalidPattern(call: FunctionCall, message: string): never {
  call.fail(ExpressionErrorCode.InvalidArgument, `Invalid format string: ${message}`, FORMAT_HINT, 0);
}
