/**
 * Builds Build.BuildNumber from the root `name:` format. Tokens, per
 * learn.microsoft.com …/pipelines/process/run-number: $(Date:fmt), $(Rev:r) and
 * $(Rev:.r) (the revision, counted per distinct number), $(DayOfMonth),
 * $(DayOfYear), $(Hours), $(Minutes), $(Seconds), $(Month), $(Year:yy),
 * $(Year:yyyy), $(BuildID), $(DefinitionName), $(SourceBranchName),
 * $(TeamProject); other `$(var)` references take variable values.
 */
export const DEFAULT_RUN_NUMBER_FORMAT = '$(Date:yyyyMMdd)$(Rev:.r)';

export interface RunNumberInputs {
  format?: string;
  time: Date;
  buildId: number;
  /** Revision for this number; the caller counts runs with the same prefix. */
  revision: number;
  variables: Record<string, string>;
}

/** Expands a run-number format. Unknown macros stay as written, as Azure leaves them. */
export function formatRunNumber(inputs: RunNumberInputs): string {
  const format = inputs.format?.trim() ? inputs.format : DEFAULT_RUN_NUMBER_FORMAT;
  const lowerVariables = new Map(Object.entries(inputs.variables).map(([key, value]) => [key.toLowerCase(), value]));
  return format.replace(/\$\(([^)]+)\)/g, (whole, token: string) => {
    const [name, argument] = splitToken(token);
    const time = inputs.time;
    switch (name.toLowerCase()) {
      case 'date':
        return formatDate(time, argument ?? 'yyyyMMdd');
      case 'rev':
        return argument === '.r' ? `.${inputs.revision}` : formatRevision(inputs.revision, argument ?? 'r');
      case 'dayofmonth':
        return String(time.getUTCDate());
      case 'dayofyear':
        return String(dayOfYear(time));
      case 'hours':
        return pad(time.getUTCHours(), 2);
      case 'minutes':
        return pad(time.getUTCMinutes(), 2);
      case 'seconds':
        return pad(time.getUTCSeconds(), 2);
      case 'month':
        return pad(time.getUTCMonth() + 1, 2);
      case 'year':
        return argument === 'yy' ? pad(time.getUTCFullYear() % 100, 2) : String(time.getUTCFullYear());
      case 'buildid':
        return String(inputs.buildId);
      default:
        return lowerVariables.get(token.toLowerCase()) ?? lowerVariables.get(`build.${token.toLowerCase()}`) ?? whole;
    }
  });
}

/** The part of a formatted run number before the revision token, which revisions are counted for. */
export function runNumberPrefix(format: string | undefined, inputs: Omit<RunNumberInputs, 'revision' | 'format'>): string {
  const effective = format?.trim() ? format : DEFAULT_RUN_NUMBER_FORMAT;
  const cut = effective.search(/\$\(Rev:/i);
  const prefixFormat = cut < 0 ? effective : effective.slice(0, cut);
  return formatRunNumber({ ...inputs, format: prefixFormat, revision: 0 });
}

function splitToken(token: string): [string, string | undefined] {
  const colon = token.indexOf(':');
  return colon < 0 ? [token, undefined] : [token.slice(0, colon), token.slice(colon + 1)];
}

/** `r` gives 1, `rr` gives 01: the count of r's is the minimum width. */
function formatRevision(revision: number, pattern: string): string {
  const width = /^r+$/i.test(pattern) ? pattern.length : 1;
  return pad(revision, width);
}

function formatDate(time: Date, pattern: string): string {
  const parts: Record<string, string> = {
    yyyy: String(time.getUTCFullYear()),
    yy: pad(time.getUTCFullYear() % 100, 2),
    MM: pad(time.getUTCMonth() + 1, 2),
    M: String(time.getUTCMonth() + 1),
    dd: pad(time.getUTCDate(), 2),
    d: String(time.getUTCDate()),
    HH: pad(time.getUTCHours(), 2),
    H: String(time.getUTCHours()),
    mm: pad(time.getUTCMinutes(), 2),
    m: String(time.getUTCMinutes()),
    ss: pad(time.getUTCSeconds(), 2),
    s: String(time.getUTCSeconds()),
  };
  return pattern.replace(/yyyy|yy|MM|M|dd|d|HH|H|mm|m|ss|s/g, (specifier) => parts[specifier] ?? specifier);
}

function dayOfYear(time: Date): number {
  const start = Date.UTC(time.getUTCFullYear(), 0, 1);
  return Math.floor((time.getTime() - start) / 86_400_000) + 1;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
