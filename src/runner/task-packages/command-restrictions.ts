import type { LoggingCommand } from '../logging-command-parser.js';
import type { TaskRestrictions } from './task-definition.js';

/**
 * Commands a task with `restrictions.commands.mode: restricted` may still use.
 * NOTE: this set is Sluice's reading of the agent's restricted mode (issues,
 * results, progress, secrets, debug, variables, PATH). No Microsoft page that
 * Sluice cites lists it, so check azure-pipelines-agent before relying on an edge case.
 */
const RESTRICTED_MODE_COMMANDS = new Set(['task.logissue', 'task.issue', 'task.complete', 'task.setprogress', 'task.setsecret', 'task.debug', 'task.setvariable', 'task.prependpath']);

/**
 * Returns a filter for a task's logging commands from its task.json
 * `restrictions`: it returns the reason to ignore a command, or undefined to
 * apply it. `settableVariables.allowed` limits task.setvariable by name (any
 * case), and task.prependpath counts as setting PATH.
 */
export function commandFilter(restrictions: TaskRestrictions, label: string): (command: LoggingCommand) => string | undefined {
  const allowed = restrictions.settableVariables?.map((name) => name.toLowerCase());
  return (command) => {
    const key = `${command.area}.${command.action}`;
    if (restrictions.commandsMode === 'restricted' && !RESTRICTED_MODE_COMMANDS.has(key)) {
      return `${label}: ##vso[${key}] is not allowed because the task's commands mode is 'restricted'; the command was ignored`;
    }
    if (allowed === undefined) return undefined;
    if (key === 'task.setvariable') {
      const name = command.properties.get('variable')?.trim() ?? '';
      if (!allowed.includes(name.toLowerCase())) return `${label}: setting variable '${name}' is not allowed by the task's settableVariables (${allowed.join(', ') || 'none'}); the command was ignored`;
    }
    if (key === 'task.prependpath' && !allowed.includes('path')) return `${label}: prepending to PATH is not allowed by the task's settableVariables; the command was ignored`;
    return undefined;
  };
}
