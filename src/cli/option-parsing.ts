import { availableParallelism } from 'node:os';
import type { HostOs } from '../plan/run-plan.js';
import { CliErrorCodes } from './cli-error-codes.js';

/** Thrown for a malformed option value; the CLI prints it as `error CLI003: …` with the hint and exits with code 2. */
export class OptionError extends Error {
  readonly code = CliErrorCodes.invalidOption;

  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'OptionError';
  }
}

/** Commander collector for repeated `NAME=VALUE` options. */
export function collectPairs(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Parses `NAME=VALUE` entries of `option` into a record; later entries win. */
export function parsePairs(option: string, entries: string[] | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const entry of entries ?? []) {
    const equals = entry.indexOf('=');
    if (equals <= 0) throw new OptionError(`invalid ${option} '${entry}': expected NAME=VALUE`, `write it as ${option} NAME=VALUE, for example ${option} ${entry.includes('=') ? `name${entry}` : `${entry}=value`}`);
    result[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  return result;
}

/** Parses `--jobs`: a positive integer, default the number of CPU cores. */
export function parseJobLimit(value: string | undefined): number {
  if (value === undefined) return availableParallelism();
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1) throw new OptionError(`invalid --jobs '${value}': expected a whole number of 1 or more`, 'pass the number of jobs to run at once, such as --jobs 2');
  return limit;
}

/** Parses `--platform IMAGE=host` entries. */
export function parsePlatformMap(entries: string[] | undefined): Record<string, 'host'> {
  const map: Record<string, 'host'> = {};
  for (const [image, target] of Object.entries(parsePairs('--platform', entries))) {
    if (target !== 'host') throw new OptionError(`invalid --platform '${image}=${target}': the only target is 'host'`, `write --platform ${image}=host to run jobs whose pool asks for vmImage '${image}' on this machine`);
    map[image] = 'host';
  }
  return map;
}

/** The operating system of this machine, as pool images name them. */
export function hostOperatingSystem(): HostOs {
  if (process.platform === 'win32') return 'windows';
  if (process.platform === 'darwin') return 'macos';
  return 'linux';
}
