import { offsetLocation, type SourceLocation } from '../language/source-location.js';
import type { TriggerDiagnostics } from './trigger-value-node.js';

/**
 * A parsed `cron:` value of a schedule. Azure reads it with NCrontab in UTC
 * (learn.microsoft.com/azure/devops/pipelines/process/scheduled-triggers#cron-syntax):
 * five fields `mm HH DD MM DW`, each `*`, a value, a range `1-3`, a step
 * `*\/4` or `1-5/2`, or a comma list of those. Months and days of the week also
 * take English names or their three-letter abbreviations.
 */
export interface CronSchedule {
  /** The expression as written. */
  expression: string;
  minutes: number[];
  hours: number[];
  daysOfMonth: number[];
  months: number[];
  /** 0 = Sunday … 6 = Saturday. */
  daysOfWeek: number[];
  /** The same schedule with every field expanded to numbers, in croner's syntax. */
  normalized: string;
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
}

const MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

const FIELDS: FieldSpec[] = [
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'days', min: 1, max: 31 },
  { name: 'months', min: 1, max: 12, names: MONTH_NAMES },
  { name: 'days of the week', min: 0, max: 6, names: DAY_NAMES },
];

/**
 * Parses one cron expression. Reports TRG006 for a wrong field count and
 * TRG007 for each bad field item, pointing inside the scalar when `location`
 * is known. Returns undefined when any field is invalid.
 */
export function parseCronExpression(
  expression: string,
  location: SourceLocation | undefined,
  diagnostics: TriggerDiagnostics,
  quoted = false,
): CronSchedule | undefined {
  const fieldMatches = [...expression.matchAll(/\S+/g)];
  if (fieldMatches.length !== 5) {
    diagnostics.error('TRG006', `the cron expression "${expression}" has ${fieldMatches.length} fields, but Azure Pipelines expects 5`,
      location, 'Write "minutes hours days months days-of-week" in UTC, for example "0 3 * * Mon-Fri".');
    return undefined;
  }

  const at = (offset: number): SourceLocation | undefined =>
    location === undefined ? undefined : offsetLocation(location, offset + (quoted ? 1 : 0));
  const values: number[][] = [];
  let valid = true;
  fieldMatches.forEach((match, index) => {
    const parsed = parseField(match[0], FIELDS[index], at(match.index ?? 0), diagnostics);
    if (parsed === undefined) valid = false;
    values.push(parsed ?? []);
  });
  if (!valid) return undefined;

  const [minutes, hours, daysOfMonth, months, daysOfWeek] = values;
  return { expression, minutes, hours, daysOfMonth, months, daysOfWeek, normalized: values.map((set) => set.join(',')).join(' ') };
}

function parseField(text: string, spec: FieldSpec, location: SourceLocation | undefined, diagnostics: TriggerDiagnostics): number[] | undefined {
  const selected = new Set<number>();
  for (const item of text.split(',')) {
    const values = parseItem(item, spec);
    if (typeof values === 'string') {
      diagnostics.error('TRG007', `invalid ${spec.name} field "${text}" in the cron expression: ${values}`, location,
        `Use ${spec.min}-${spec.max}${spec.names ? ' or names such as ' + describeNames(spec.names) : ''}, "*", ranges "a-b", steps "*/n" or "a-b/n", and commas between items.`);
      return undefined;
    }
    for (const value of values) selected.add(value);
  }
  return [...selected].sort((left, right) => left - right);
}

/** Returns the values an item selects, or a message saying what is wrong with it. */
function parseItem(item: string, spec: FieldSpec): number[] | string {
  if (item === '') return 'an item between commas is empty';

  const [rangeText, stepText, ...rest] = item.split('/');
  if (rest.length > 0) return `"${item}" has more than one "/"`;

  let step = 1;
  if (stepText !== undefined) {
    if (!/^\d+$/.test(stepText) || Number(stepText) === 0) return `the step in "${item}" must be a whole number of at least 1`;
    step = Number(stepText);
  }

  let first: number;
  let last: number;
  if (rangeText === '*') {
    first = spec.min;
    last = spec.max;
  } else {
    const bounds = rangeText.split('-');
    if (bounds.length > 2) return `"${rangeText}" is not a value or a range`;
    const low = parseValue(bounds[0], spec);
    if (typeof low === 'string') return low;
    const high = bounds.length === 2 ? parseValue(bounds[1], spec) : low;
    if (typeof high === 'string') return high;
    if (high < low) return `the range "${rangeText}" ends before it starts`;
    // The documented step forms are "*/n" and "a-b/n", so "5/10" is rejected rather than guessed.
    if (bounds.length === 1 && stepText !== undefined) return `a step needs "*" or a range before it, as in "*/${stepText}" or "${rangeText}-${spec.max}/${stepText}"`;
    first = low;
    last = high;
  }

  const values: number[] = [];
  for (let value = first; value <= last; value += step) values.push(value);
  return values;
}

function parseValue(text: string, spec: FieldSpec): number | string {
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    if (value < spec.min || value > spec.max) return `${text} is outside ${spec.min}-${spec.max}`;
    return value;
  }

  const lowered = text.toLowerCase();
  const index = spec.names?.findIndex((name) => name === lowered || name.slice(0, 3) === lowered) ?? -1;
  if (index < 0) return `"${text}" is not a number${spec.names ? ' or a name' : ''} for this field`;
  return spec.names === MONTH_NAMES ? index + 1 : index;
}

function describeNames(names: string[]): string {
  const first = names[0];
  return `"${first.slice(0, 3)}" or "${first[0].toUpperCase()}${first.slice(1)}"`;
}
