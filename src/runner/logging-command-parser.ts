import { unescapeCommandText } from './logging-command-escaping.js';

const COMMAND_PREFIX = '##vso[';

/** A parsed `##vso[area.action key=value;…]message` command. */
export interface LoggingCommand {
  /** Lower-cased area, e.g. `task`. */
  area: string;
  /** Lower-cased action, e.g. `setvariable`. */
  action: string;
  /** Property values by lower-cased key, unescaped. */
  properties: Map<string, string>;
  /** Text after the closing `]`, unescaped. */
  message: string;
}

/** Display-only commands such as `##[group]` (learn.microsoft.com …/scripts/logging-commands, "Formatting commands"). */
export type FormattingKind = 'group' | 'endgroup' | 'warning' | 'error' | 'section' | 'debug' | 'command';

const FORMATTING_KINDS: ReadonlySet<string> = new Set(['group', 'endgroup', 'warning', 'error', 'section', 'debug', 'command']);

/**
 * Parses a logging command found anywhere in `line`, following the agent's
 * Command.TryParse. The first `]` after `##vso[` closes the command, and
 * `area.action` must split on `.` into exactly two non-empty parts. Properties split
 * on `;`, each at its first `=`, and entries without `=` are ignored. Keys are
 * case-insensitive. Returns undefined when the line contains no well-formed command.
 */
export function parseLoggingCommand(line: string, decodePercents = true): LoggingCommand | undefined {
  const start = line.indexOf(COMMAND_PREFIX);
  if (start < 0) return undefined;

  const bodyStart = start + COMMAND_PREFIX.length;
  const end = line.indexOf(']', bodyStart);
  if (end < 0) return undefined;

  const body = line.slice(bodyStart, end);
  const space = body.indexOf(' ');
  const name = space < 0 ? body : body.slice(0, space);
  const parts = name.split('.');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') return undefined;

  const properties = new Map<string, string>();
  const propertyText = space < 0 ? '' : body.slice(space + 1);
  for (const entry of propertyText.split(';')) {
    if (entry.trim() === '') continue;
    const equals = entry.indexOf('=');
    if (equals <= 0) continue;
    properties.set(entry.slice(0, equals).trim().toLowerCase(), unescapeCommandText(entry.slice(equals + 1), decodePercents));
  }

  return {
    area: parts[0]!.toLowerCase(),
    action: parts[1]!.toLowerCase(),
    properties,
    message: unescapeCommandText(line.slice(end + 1), decodePercents),
  };
}

/**
 * Recognises a formatting command at the start of a line (`##[warning]text`).
 * Returns the kind and the text after `]`, or undefined for any other line.
 */
export function parseFormattingCommand(line: string): { kind: FormattingKind; text: string } | undefined {
  if (!line.startsWith('##[')) return undefined;
  const end = line.indexOf(']', 3);
  if (end < 0) return undefined;

  const kind = line.slice(3, end).toLowerCase();
  if (!FORMATTING_KINDS.has(kind)) return undefined;
  return { kind: kind as FormattingKind, text: line.slice(end + 1) };
}
