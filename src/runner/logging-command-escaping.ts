/**
 * Escapes of logging-command property values and messages, in the order the agent
 * decodes them: `%3B` `%0D` `%0A` `%5D` first, then `%AZP25` last, so `%AZP253B`
 * decodes to the text `%3B` and not to `;`. Matching is case-sensitive, as the agent's
 * ordinal string replace is. Sources: learn.microsoft.com …/scripts/logging-commands
 * ("Formatting commands", special characters) and azure-pipelines-agent
 * CommandStringConvertor.cs.
 */
const ESCAPES: ReadonlyArray<readonly [raw: string, escaped: string]> = [
  [';', '%3B'],
  ['\r', '%0D'],
  ['\n', '%0A'],
  [']', '%5D'],
];

const PERCENT_ESCAPE = '%AZP25';

/** Decodes an escaped property value or message. `decodePercents: false` mirrors DECODE_PERCENTS=false. */
export function unescapeCommandText(text: string, decodePercents = true): string {
  let decoded = text;
  for (const [raw, escaped] of ESCAPES) decoded = decoded.split(escaped).join(raw);
  if (decodePercents) decoded = decoded.split(PERCENT_ESCAPE).join('%');
  return decoded;
}

/** Escapes a property value so that it survives a round trip (`%` first, then the table). */
export function escapePropertyValue(value: string): string {
  let escaped = value.split('%').join(PERCENT_ESCAPE);
  for (const [raw, code] of ESCAPES) escaped = escaped.split(raw).join(code);
  return escaped;
}

/** Escapes a message: only `%`, CR and LF, as azure-pipelines-task-lib does. */
export function escapeMessage(message: string): string {
  return message.split('%').join(PERCENT_ESCAPE).split('\r').join('%0D').split('\n').join('%0A');
}
