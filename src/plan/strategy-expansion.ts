import type { JobInstance } from './run-plan.js';

/**
 * The documented rule for matrix configuration (leg) names: basic Latin
 * letters, digits and `_`, starting with a letter, at most 100 characters
 * (learn.microsoft.com/azure/devops/pipelines/yaml-schema/jobs-job-strategy).
 * Azure does not enforce it: public pipelines ran for years with legs such as
 * `node-10-a` (webpack) and `Bionic Python 3.6` (jaraco/zipp). So a broken rule
 * is a warning, and the leg still runs.
 */
export const LEG_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;
export const MAX_LEG_NAME_LENGTH = 100;

/** Returns how a leg name breaks the documented rule, or undefined when it follows it. */
export function checkLegName(leg: string): string | undefined {
  if (leg.length > MAX_LEG_NAME_LENGTH) {
    return `matrix leg name '${leg}' is ${leg.length} characters long, more than the documented maximum of ${MAX_LEG_NAME_LENGTH}`;
  }
  if (!LEG_NAME_PATTERN.test(leg)) {
    return `matrix leg name '${leg}' does not follow the documented rule: letters A-Z and a-z, digits and '_', starting with a letter`;
  }
  return undefined;
}

/**
 * Expands a matrix into one instance per leg. The leg name is appended to the
 * job name ("The name string1 is the copy's name and is appended to the name of
 * the job", learn.microsoft.com/azure/devops/pipelines/yaml-schema/jobs-job-strategy);
 * Agent.JobName is the leg name (learn.microsoft.com/azure/devops/pipelines/build/variables),
 * and the leg name prefixes the leg's output keys, as in
 * `dependencies.<job>.outputs['<leg>.<step>.<var>']` (learn.microsoft.com/azure/devops/pipelines/process/variables).
 * An empty matrix still gives one instance, because Azure runs a multi-configuration
 * job at least once (learn.microsoft.com/azure/devops/pipelines/process/phases).
 */
export function expandMatrix(
  jobName: string,
  jobDisplayName: string,
  legs: Record<string, Record<string, string>>,
): JobInstance[] {
  const names = Object.keys(legs);
  if (names.length === 0) return [singleInstance(jobName, jobDisplayName)];

  return names.map((leg, index) => ({
    name: `${jobName}_${leg}`,
    displayName: `${jobDisplayName} ${leg}`,
    agentJobName: leg,
    legName: leg,
    matrixVariables: { ...legs[leg] },
    positionInPhase: index + 1,
    totalJobsInPhase: names.length,
  }));
}

/**
 * Expands `parallel: count` into slices. Positions are 1-based because Azure's
 * slicing examples divide work with `System.JobPositionInPhase` counting from 1.
 * NOTE: Azure's docs name slice output prefixes `job1`, `job2`… in one example and
 * leave the prefix out in another; Sluice uses `job<N>` as the slice's leg name,
 * so it is also Agent.JobName and the instance name suffix. Unverified against Azure.
 */
export function expandParallel(jobName: string, jobDisplayName: string, count: number): JobInstance[] {
  if (count <= 1) return [singleInstance(jobName, jobDisplayName)];

  const instances: JobInstance[] = [];
  for (let position = 1; position <= count; position += 1) {
    const leg = `job${position}`;
    instances.push({
      name: `${jobName}_${leg}`,
      displayName: `${jobDisplayName} ${position}/${count}`,
      agentJobName: leg,
      legName: leg,
      matrixVariables: {},
      positionInPhase: position,
      totalJobsInPhase: count,
    });
  }
  return instances;
}

/** Creates the one instance of a job without a strategy. */
export function singleInstance(jobName: string, jobDisplayName: string): JobInstance {
  return {
    name: jobName,
    displayName: jobDisplayName,
    agentJobName: jobName,
    matrixVariables: {},
    positionInPhase: 1,
    totalJobsInPhase: 1,
  };
}

/**
 * Parses the JSON a runtime matrix expression produced. Azure's own example
 * (`{'a':{'myvar':'A'}}`, learn.microsoft.com/azure/devops/pipelines/process/phases)
 * uses single quotes, so single-quoted strings are accepted too. Non-string
 * values are turned into strings, since every variable is a string.
 */
export function parseMatrixJson(text: string): Record<string, Record<string, string>> {
  const parsed = parseLenientJson(text);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`expected a JSON object of matrix legs, got ${describeJsonValue(parsed)}`);
  }

  const legs: Record<string, Record<string, string>> = {};
  for (const [leg, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new Error(`matrix leg '${leg}' must be an object of variables, got ${describeJsonValue(value)}`);
    }
    const variables: Record<string, string> = {};
    for (const [name, variable] of Object.entries(value as Record<string, unknown>)) {
      variables[name] = typeof variable === 'string' ? variable : JSON.stringify(variable);
    }
    legs[leg] = variables;
  }
  return legs;
}

function parseLenientJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return JSON.parse(singleToDoubleQuotes(text));
  }
}

/** Rewrites `'…'` strings as `"…"` strings, leaving double-quoted strings alone. */
function singleToDoubleQuotes(text: string): string {
  let output = '';
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    if (char === '"') {
      const end = findStringEnd(text, index, '"');
      output += text.slice(index, end + 1);
      index = end + 1;
    } else if (char === "'") {
      const end = findStringEnd(text, index, "'");
      const inner = text.slice(index + 1, end).replace(/\\'/g, "'").replace(/"/g, '\\"');
      output += `"${inner}"`;
      index = end + 1;
    } else {
      output += char;
      index += 1;
    }
  }
  return output;
}

function findStringEnd(text: string, start: number, quote: string): number {
  let index = start + 1;
  while (index < text.length) {
    if (text[index] === '\\') index += 2;
    else if (text[index] === quote) return index;
    else index += 1;
  }
  return text.length - 1;
}

function describeJsonValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
