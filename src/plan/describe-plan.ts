import type { AzureResultName } from '../events/task-result.js';
import type { StepDefinition } from '../language/pipeline/pipeline-model.js';
import type { Located } from '../language/source-location.js';
import { collectAncestors } from './dependency-graph.js';
import { decideCondition } from './item-condition.js';
import type { PlannedJob, PlannedStage, RunPlan } from './run-plan.js';
import { applyValues, applyVariableDefinitions, VariableSet } from './variable-set.js';

/** Options of `describePlan`. */
export interface DescribePlanOptions {
  /** Decide what can be decided before the run (`--dry-run`); otherwise only list (`sluice list`). */
  dryRun?: boolean;
  /** Values known before the run, such as Build.SourceBranch. */
  runVariables?: Record<string, string>;
  /** Queue-time values (`--variable`). */
  queueVariables?: Record<string, string>;
}

/** The outcome a dry run predicts for a stage or job. */
type Prediction = 'run' | 'skip' | 'unknown';

const INDENT = '  ';
const RUNTIME_DEPENDENCY = /\b(stage)?dependencies\b/i;

/**
 * Describes a plan as text: every stage, job instance (matrix legs and slices
 * expanded) and step with display names. With `dryRun`, each condition that
 * can be decided before the run is evaluated with the known variables and
 * shown with its outcome. A condition whose outcome depends on results of
 * earlier items is shown as "decided at run time".
 */
export function describePlan(plan: RunPlan, options: DescribePlanOptions = {}): string {
  const lines: string[] = [];
  const stagePredictions = new Map<string, Prediction>();
  const stageAncestors = ancestorsOf(plan.stages);

  for (const stage of plan.stages) {
    lines.push(`stage ${stage.name}${stage.displayName !== stage.name ? ` "${stage.displayName}"` : ''}`);
    lines.push(`${INDENT}depends on: ${stage.dependsOn.length > 0 ? stage.dependsOn.join(', ') : '(none)'}`);

    const stageVariables = baseVariables(plan, options);
    applyVariableDefinitions(stageVariables, stage.variables, keepStaticValues);
    let stagePrediction: Prediction = 'run';
    if (options.dryRun) {
      const conditionVariables = stageVariables.clone();
      applyValues(conditionVariables, options.queueVariables ?? {});
      const predicted = predict(stage.condition, stageAncestors.get(stage.name)!, stagePredictions, conditionVariables);
      stagePrediction = predicted.prediction;
      lines.push(`${INDENT}condition: ${predicted.text}`);
    } else if (stage.condition) {
      lines.push(`${INDENT}condition: ${stage.condition.value.trim()}`);
    }
    stagePredictions.set(stage.name, stagePrediction);

    describeJobs(stage, stageVariables, stagePrediction, options, lines);
  }
  return lines.join('\n');
}

function describeJobs(
  stage: PlannedStage,
  stageVariables: VariableSet,
  stagePrediction: Prediction,
  options: DescribePlanOptions,
  lines: string[],
): void {
  const jobPredictions = new Map<string, Prediction>();
  const jobAncestors = ancestorsOf(stage.jobs);

  for (const job of stage.jobs) {
    const indent = INDENT;
    lines.push(`${indent}job ${job.name}${job.displayName !== job.name ? ` "${job.displayName}"` : ''}`);
    if (job.dependsOn.length > 0) lines.push(`${indent}${INDENT}depends on: ${job.dependsOn.join(', ')}`);

    let prediction: Prediction = 'run';
    if (options.dryRun && stagePrediction === 'skip') {
      prediction = 'skip';
      lines.push(`${indent}${INDENT}condition: not evaluated: skipped because stage '${stage.name}' is skipped`);
    } else if (options.dryRun) {
      const variables = stageVariables.clone();
      applyVariableDefinitions(variables, job.variables, keepStaticValues);
      applyValues(variables, options.queueVariables ?? {});
      const predicted = predict(job.condition, jobAncestors.get(job.name)!, jobPredictions, variables);
      prediction = predicted.prediction;
      lines.push(`${indent}${INDENT}condition: ${predicted.text}`);
    } else if (job.condition) {
      lines.push(`${indent}${INDENT}condition: ${job.condition.value.trim()}`);
    }
    jobPredictions.set(job.name, prediction);

    if (job.runtimeMatrix) {
      lines.push(`${indent}${INDENT}matrix from ${job.runtimeMatrix.value.trim()} (legs are known at run time)`);
      describeSteps(job.definition.steps, `${indent}${INDENT}`, lines);
      continue;
    }
    for (const instance of job.instances) {
      const skip = instance.skipReason ? ` [skipped: ${instance.skipReason}]` : '';
      const legVariables = Object.entries(instance.matrixVariables).map(([name, value]) => `${name}=${value}`);
      lines.push(
        `${indent}${INDENT}instance ${instance.name} "${instance.displayName}"` +
          ` (${instance.positionInPhase}/${instance.totalJobsInPhase})${skip}`,
      );
      if (legVariables.length > 0) lines.push(`${indent}${INDENT}${INDENT}variables: ${legVariables.join(', ')}`);
    }
    describeSteps(job.definition.steps, `${indent}${INDENT}`, lines);
  }
}

function describeSteps(steps: readonly StepDefinition[], indent: string, lines: string[]): void {
  steps.forEach((step, index) => {
    const disabled = step.enabled ? '' : ' [disabled]';
    const condition = step.condition ? ` (condition: ${step.condition.value.trim()})` : '';
    lines.push(`${indent}${index + 1}. ${stepDisplayName(step)}${stepContent(step)}${disabled}${condition}`);
  });
}

/** The first line of a script step, so a listing tells unnamed scripts apart. */
function stepContent(step: StepDefinition): string {
  if (step.type !== 'script' && step.type !== 'bash' && step.type !== 'pwsh' && step.type !== 'powershell') return '';
  const firstLine = step.script.trim().split('\n')[0] ?? '';
  return `: ${firstLine.length > 60 ? `${firstLine.slice(0, 57)}...` : firstLine}`;
}

/**
 * Returns a step's display name, or the name Azure shows for a step without one:
 * the task name for tasks, and the script task's name for the script shortcuts.
 */
export function stepDisplayName(step: StepDefinition): string {
  if (step.displayName) return step.displayName;
  switch (step.type) {
    case 'script':
      return 'CmdLine';
    case 'bash':
      return 'Bash';
    case 'pwsh':
    case 'powershell':
      return 'PowerShell';
    case 'task':
      return step.task;
    case 'checkout':
      return `Checkout ${step.repository}`;
    case 'download':
      return `Download ${step.artifact ?? 'artifacts'}`;
    case 'publish':
      return `Publish ${step.artifact ?? step.path}`;
  }
}

/**
 * Predicts a condition's outcome. The condition is evaluated twice, once as if
 * every undecided dependency succeeded and once as if it failed. When both give
 * the same outcome, the outcome does not depend on the run.
 * Conditions that read `dependencies` or `stageDependencies` are left to the run.
 */
function predict(
  located: Located<string> | undefined,
  ancestors: readonly string[],
  predictions: Map<string, Prediction>,
  variables: VariableSet,
): { prediction: Prediction; text: string } {
  const condition = located?.value;
  const label = condition?.trim() ? `'${condition.trim()}'` : 'default succeeded()';
  if (condition !== undefined && RUNTIME_DEPENDENCY.test(condition)) {
    return { prediction: 'unknown', text: `${label}: decided at run time` };
  }

  const scenario = (undecided: AzureResultName) => {
    const results: Record<string, AzureResultName> = {};
    for (const name of ancestors) {
      results[name] = predictions.get(name) === 'skip' ? 'Skipped' : undecided;
    }
    return decideCondition({
      condition: located,
      dependencyResults: results,
      canceled: false,
      namedValues: { variables: variables.toValues() },
    });
  };

  const ifSucceeded = scenario('Succeeded');
  const ifFailed = scenario('Failed');
  if (ifSucceeded.run !== ifFailed.run) {
    return { prediction: 'unknown', text: `${label}: decided at run time` };
  }
  if (ifSucceeded.run) return { prediction: 'run', text: `${label}: true` };
  if (ifSucceeded.result === 'failed') return { prediction: 'unknown', text: `${label}: ${ifSucceeded.reason}` };
  return { prediction: 'skip', text: `${label}: false, would be skipped because ${ifSucceeded.reason}` };
}

/** Builds the run's known values and the pipeline-level variables for a dry run. */
function baseVariables(plan: RunPlan, options: DescribePlanOptions): VariableSet {
  const variables = new VariableSet();
  for (const [name, value] of Object.entries(options.runVariables ?? {})) {
    variables.set(name, { value, isSecret: false, readonly: true });
  }
  applyVariableDefinitions(variables, plan.variables, keepStaticValues);
  return variables;
}

/**
 * Leaves `$[ ]` values empty in a dry run.
 * NOTE: a condition that reads such a variable is then decided with '' and may
 * show an outcome the run would not have.
 */
function keepStaticValues(value: string): string {
  return /^\s*\$\[/.test(value) ? '' : value;
}

function ancestorsOf(items: readonly (PlannedStage | PlannedJob)[]): Map<string, string[]> {
  const byName = new Map(items.map((item) => [item.name, item]));
  const dependsOn = (name: string) => byName.get(name)?.dependsOn ?? [];
  return new Map(items.map((item) => [item.name, [...collectAncestors(item.name, dependsOn)]]));
}
