/**
 * Converts a variable name into the environment variable name in a step's process:
 * upper case, with `.` and space replaced by `_` (`my.var name` → `MY_VAR_NAME`).
 * Source: learn.microsoft.com …/process/variables ("Environment variables") and the
 * agent's VarUtil.ConvertToEnvVariableFormat.
 */
export function toEnvironmentName(name: string): string {
  return name.replace(/[. ]/g, '_').toUpperCase();
}

/**
 * Name prefixes (any case) that Azure reserves: such variables are not passed to
 * scripts or tasks. Source: learn.microsoft.com …/process/variables ("Variable naming restrictions").
 */
const RESERVED_PREFIXES = ['endpoint', 'input', 'secret', 'path', 'securefile'];

/** True when a variable with this name must not reach a step's environment. */
export function isReservedVariableName(name: string): boolean {
  const lower = name.toLowerCase();
  return RESERVED_PREFIXES.some((prefix) => lower.startsWith(prefix));
}
