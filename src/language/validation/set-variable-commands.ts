// Logging command syntax: learn.microsoft.com/azure/devops/pipelines/scripts/logging-commands
// ("SetVariable: Initialize or modify the value of a variable").

/** One `##vso[task.setvariable …]` command written in a script. */
export interface SetVariableCommand {
  /** The `variable=` property as written. */
  name: string;
  isOutput: boolean;
  isSecret: boolean;
  isReadonly: boolean;
  /** True when the name is built at run time (it contains `$`, `%` or other non-name characters). */
  dynamic: boolean;
}

const COMMAND_PATTERN = /##vso\[task\.setvariable\b([^\]]*)\]/gi;
const VARIABLE_NAME = /^[A-Za-z0-9._]+$/;

/**
 * Finds the `task.setvariable` commands written literally in a script, so
 * validation and `sluice explain` know which variables a step sets at run time.
 * Commands printed by programs the script calls cannot be seen here.
 */
export function findSetVariableCommands(script: string): SetVariableCommand[] {
  const commands: SetVariableCommand[] = [];
  for (const match of script.matchAll(COMMAND_PATTERN)) {
    const properties = parseProperties(match[1] ?? '');
    const name = properties.get('variable');
    if (name === undefined || name === '') continue;
    commands.push({
      name,
      isOutput: isTrue(properties.get('isoutput')),
      isSecret: isTrue(properties.get('issecret')),
      isReadonly: isTrue(properties.get('isreadonly')),
      dynamic: !VARIABLE_NAME.test(name),
    });
  }
  return commands;
}

/** Splits `key=value;key=value` with case-insensitive keys, as the agent does. */
function parseProperties(text: string): Map<string, string> {
  const properties = new Map<string, string>();
  for (const entry of text.split(';')) {
    const equals = entry.indexOf('=');
    if (equals < 0) continue;
    properties.set(entry.slice(0, equals).trim().toLowerCase(), entry.slice(equals + 1).trim());
  }
  return properties;
}

function isTrue(value: string | undefined): boolean {
  return value?.toLowerCase() === 'true';
}
