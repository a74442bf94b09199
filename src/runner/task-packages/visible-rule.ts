/** Comparison operators of task.json visibleRule conditions, longest first so `!=` wins over `=`. */
const OPERATORS = ['!=', '==', '<=', '>=', '=', '<', '>', 'NotEndsWith', 'EndsWith', 'NotContains', 'Contains'] as const;

function compare(left: string, operator: (typeof OPERATORS)[number], right: string): boolean {
  const a = left.toLowerCase();
  const b = right.toLowerCase();
  switch (operator) {
    case '=':
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return Number(left) < Number(right);
    case '>':
      return Number(left) > Number(right);
    case '<=':
      return Number(left) <= Number(right);
    case '>=':
      return Number(left) >= Number(right);
    case 'EndsWith':
      return a.endsWith(b);
    case 'NotEndsWith':
      return !a.endsWith(b);
    case 'Contains':
      return a.includes(b);
    case 'NotContains':
      return !a.includes(b);
  }
}

function evaluateCondition(text: string, valueOf: (name: string) => string): boolean | undefined {
  for (const operator of OPERATORS) {
    const at = text.indexOf(operator);
    if (at <= 0) continue;
    return compare(valueOf(text.slice(0, at).trim()), operator, text.slice(at + operator.length).trim());
  }
  return undefined;
}

/**
 * Evaluates a task.json `visibleRule` such as `targetType = inline` or
 * `a == b && c != d` (one kind of connective per rule, as the task editor
 * allows), comparing without case. Returns undefined for a rule it cannot
 * read, and the caller then treats the input as visible.
 */
export function evaluateVisibleRule(rule: string, valueOf: (name: string) => string): boolean | undefined {
  const connective = rule.includes('||') ? '||' : '&&';
  const results = rule.split(connective).map((part) => evaluateCondition(part.trim(), valueOf));
  if (results.some((result) => result === undefined)) return undefined;
  return connective === '||' ? results.some(Boolean) : results.every(Boolean);
}
