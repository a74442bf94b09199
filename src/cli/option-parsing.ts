import { availableParallelism } from 'node:os';
import type { HostOs } from '../plan/run-plan.js';

/** Thrown for a malformed option value; the CLI prints it and exits with code 2. */
export class OptionError extends Error {}

/** Commander collector for repeated `NAME=VALUE` options. */
export function collectPairs(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Parses `NAME=VALUE` entries of `option` into a record; later entries win. */
export function parsePairs(option: string, entries: string[] | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const entry of entries ?? []) {
    const equals = entry.indexOf('=');
    if (equals <= 0) throw new OptionError(`invalid ${option} '${entry}': expected NAME=VALUE`);
    result[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  return result;
}

/** Parses `--jobs`: a positive integer, default the number of CPU cores. */
export function parseJobLimit(value: string | undefined): number {
  if (value === undefined) return availableParallelism();
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1) throw new OptionError(`invalid --jobs '${value}': expected a whole number of 1 or more`);
  return limit;
}

/** Parses `--platform IMAGE=host` entries. */
export function parsePlatformMap(entries: string[] | undefined): Record<string, 'host'> {
  const map: Record<string, 'host'> = {};
  for (const [image, target] of Object.entries(parsePairs('--platform', entries))) {
    if (target !== 'host') throw new OptionError(`invalid --platform '${image}=${target}': the only target is 'host', as in --platform ${image}=host`);
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
