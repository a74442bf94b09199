/**
 * Checks a job's demands against an agent's capabilities. Azure Pipelines
 * supports two operations only: `name` (the capability exists) and
 * `name -equals value` (it exists and its value is equal). Both compare
 * ignoring case (learn.microsoft.com/azure/devops/pipelines/yaml-schema/pool-demands).
 */
export function demandsSatisfied(demands: readonly string[], capabilities: Readonly<Record<string, string>>): boolean {
  const byName = new Map(Object.entries(capabilities).map(([name, value]) => [name.toLowerCase(), value]));
  return demands.every((demand) => demandSatisfied(demand, byName));
}

function demandSatisfied(demand: string, capabilities: Map<string, string>): boolean {
  const equals = /^\s*(\S+)\s+-equals\s+(.*?)\s*$/i.exec(demand);
  if (equals !== null) {
    const actual = capabilities.get(equals[1]!.toLowerCase());
    return actual !== undefined && actual.toLowerCase() === equals[2]!.toLowerCase();
  }

  const name = demand.trim();
  // NOTE: other operators (`-gt`, `-exists`) are not YAML demand forms. Such a demand matches no agent,
  // so the job stays queued where a user can see it instead of running on any agent.
  if (name === '' || /\s/.test(name)) return false;
  return capabilities.has(name.toLowerCase());
}
