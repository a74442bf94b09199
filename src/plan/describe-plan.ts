import type { AzureResultName } from '../events/task-result.js';
import type { StepDefinition } from '../language/pipeline/pipeline-model.js';
import type { Located } from '../language/source-location.js';
import { collectAncestors } from './dependency-graph.js';
import { decideCondition } from './item-condition.js';
import type { PlannedJob, PlannedStage, RunPlan } from './run-plan.js';
import { applyValues, applyVariableDefinitions, VariableSet } from './variable-set.js';
import { defaultStepDisplayName } from '../language/pipeline/default-step-display-name.js';

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
export type Prediction = 'run' | 'skip' | 'unknown';

/** A condition as a dry run shows it: its text and, with `dryRun`, the predicted outcome. */
export interface ConditionOutline {
  /** The condition as written; `succeeded()` when there is none. */
  expression: string;
  /** True when the item has no condition, so Azure's default `succeeded()` applies. */
  isDefault?: boolean;
  /** False when a dry run did not evaluate the condition because the stage is skipped. */
  evaluated?: boolean;
  /** Set by a dry run only. */
  prediction?: Prediction;
  /** Set by a dry run only: `true`, `decided at run time`, or why the item would be skipped or was not evaluated. */
  outcome?: string;
}

/** One step of a job in a plan outline. */
export interface StepOutline {
  displayName: string;
  type: StepDefinition['type'];
  /** First line of a script, cut to 60 characters. */
  script?: string;
  enabled: boolean;
  condition?: string;
}

/** One instance of a job: a matrix leg or slice, or the job itself. */
export interface JobInstanceOutline {
  name: string;
  displayName: string;
  positionInPhase: number;
  totalJobsInPhase: number;
  /** Why the instance cannot run on this machine. */
  skipReason?: string;
  matrixVariables: Record<string, string>;
}

/** One job of a stage in a plan outline. */
export interface JobOutline {
  name: string;
  displayName: string;
  dependsOn: string[];
  condition?: ConditionOutline;
  /** The `$[ ]` matrix expression when the legs are known only at run time. */
  runtimeMatrix?: string;
  instances: JobInstanceOutline[];
  steps: StepOutline[];
}

/** One stage of a plan outline. */
export interface StageOutline {
  name: string;
  displayName: string;
  dependsOn: string[];
  condition?: ConditionOutline;
  jobs: JobOutline[];
}

/** The structured form of `describePlan`, which `sluice run --dry-run --output json` prints. */
export interface PlanOutline {
  stages: StageOutline[];
}

const INDENT = '  ';
const RUNTIME_DEPENDENCY = /\b(stage)?dependencies\b/i;

/**
 * Builds the outline of a plan: every stage, job instance (matrix legs and
 * slices expanded) and step with display names. With `dryRun`, each condition
 * that can be decided before the run is evaluated with the known variables and
 * given its predicted outcome. A condition whose outcome depends on results of
 * earlier items is "decided at run time".
 */
export function outlinePlan(plan: RunPlan, options: DescribePlanOptions = {}): PlanOutline {
  const stages: StageOutline[] = [];
  const stagePredictions = new Map<string, Prediction>();
  const stageAncestors = ancestorsOf(plan.stages);

  for (const stage of plan.stages) {
    const outline: StageOutline = { name: stage.name, displayName: stage.displayName, dependsOn: [...stage.dependsOn], jobs: [] };

    const stageVariables = baseVariables(plan, options);
    applyVariableDefinitions(stageVariables, stage.variables, keepStaticValues);
    let stagePrediction: Prediction = 'run';
    if (options.dryRun) {
      const conditionVariables = stageVariables.clone();
      applyValues(conditionVariables, options.queueVariables ?? {});
      outline.condition = predict(stage.condition, stageAncestors.get(stage.name)!, stagePredictions, conditionVariables);
      stagePrediction = outline.condition.prediction!;
    } else if (stage.condition) {
      outline.condition = { expression: stage.condition.value.trim() };
    }
    stagePredictions.set(stage.name, stagePrediction);

    outline.jobs = outlineJobs(stage, stageVariables, stagePrediction, options);
    stages.push(outline);
  }
  return { stages };
}

/**
 * Describes a plan as text, one line per stage, job, instance and step, from
 * `outlinePlan`. With `dryRun`, each condition is shown with its predicted outcome.
 */
export function describePlan(plan: RunPlan, options: DescribePlanOptions = {}): string {
  const lines: string[] = [];
  for (const stage of outlinePlan(plan, options).stages) {
    lines.push(`stage ${stage.name}${stage.displayName !== stage.name ? ` "${stage.displayName}"` : ''}`);
    lines.push(`${INDENT}depends on: ${stage.dependsOn.length > 0 ? stage.dependsOn.join(', ') : '(none)'}`);
    if (stage.condition) lines.push(`${INDENT}condition: ${conditionText(stage.condition)}`);

    for (const job of stage.jobs) {
      lines.push(`${INDENT}job ${job.name}${job.displayName !== job.name ? ` "${job.displayName}"` : ''}`);
      if (job.dependsOn.length > 0) lines.push(`${INDENT}${INDENT}depends on: ${job.dependsOn.join(', ')}`);
      if (job.condition) lines.push(`${INDENT}${INDENT}condition: ${conditionText(job.condition)}`);
      if (job.runtimeMatrix) lines.push(`${INDENT}${INDENT}matrix from ${job.runtimeMatrix} (legs are known at run time)`);
      for (const instance of job.instances) {
        const skip = instance.skipReason ? ` [skipped: ${instance.skipReason}]` : '';
        const legVariables = Object.entries(instance.matrixVariables).map(([name, value]) => `${name}=${value}`);
        lines.push(
          `${INDENT}${INDENT}instance ${instance.name} "${instance.displayName}"` +
            ` (${instance.positionInPhase}/${instance.totalJobsInPhase})${skip}`,
        );
        if (legVariables.length > 0) lines.push(`${INDENT}${INDENT}${INDENT}variables: ${legVariables.join(', ')}`);
      }
      job.steps.forEach((step, index) => {
        const script = step.script === undefined ? '' : `: ${step.script}`;
        const disabled = step.enabled ? '' : ' [disabled]';
        const condition = step.condition ? ` (condition: ${step.condition})` : '';
        lines.push(`${INDENT}${INDENT}${index + 1}. ${step.displayName}${script}${disabled}${condition}`);
      });
    }
  }
  return lines.join('\n');
}

function conditionText(condition: ConditionOutline): string {
  if (condition.evaluated === false) return condition.outcome ?? '';
  if (condition.outcome === undefined) return condition.expression;
  const label = condition.isDefault ? `default ${condition.expression}` : `'${condition.expression}'`;
  return `${label}: ${condition.outcome}`;
}

function outlineJobs(stage: PlannedStage, stageVariables: VariableSet, stagePrediction: Prediction, options: DescribePlanOptions): JobOutline[] {
  const jobs: JobOutline[] = [];
  const jobPredictions = new Map<string, Prediction>();
  const jobAncestors = ancestorsOf(stage.jobs);

  for (const job of stage.jobs) {
    const outline: JobOutline = {
      name: job.name,
      displayName: job.displayName,
      dependsOn: [...job.dependsOn],
      instances: [],
      steps: outlineSteps(job.definition.steps),
    };

    let prediction: Prediction = 'run';
    if (options.dryRun && stagePrediction === 'skip') {
      prediction = 'skip';
      outline.condition = {
        expression: job.condition?.value.trim() || 'succeeded()',
        evaluated: false,
        prediction,
        outcome: `not evaluated: skipped because stage '${stage.name}' is skipped`,
      };
    } else if (options.dryRun) {
      const variables = stageVariables.clone();
      applyVariableDefinitions(variables, job.variables, keepStaticValues);
      applyValues(variables, options.queueVariables ?? {});
      outline.condition = predict(job.condition, jobAncestors.get(job.name)!, jobPredictions, variables);
      prediction = outline.condition.prediction!;
    } else if (job.condition) {
      outline.condition = { expression: job.condition.value.trim() };
    }
    jobPredictions.set(job.name, prediction);

    if (job.runtimeMatrix) {
      outline.runtimeMatrix = job.runtimeMatrix.value.trim();
    } else {
      outline.instances = job.instances.map((instance) => ({
        name: instance.name,
        displayName: instance.displayName,
        positionInPhase: instance.positionInPhase,
        totalJobsInPhase: instance.totalJobsInPhase,
        ...(instance.skipReason ? { skipReason: instance.skipReason } : {}),
        matrixVariables: { ...instance.matrixVariables },
      }));
    }
    jobs.push(outline);
  }
  return jobs;
}

function outlineSteps(steps: readonly StepDefinition[]): StepOutline[] {
  return steps.map((step) => ({
    displayName: stepDisplayName(step),
    type: step.type,
    ...(scriptFirstLine(step) === undefined ? {} : { script: scriptFirstLine(step) }),
    enabled: step.enabled,
    ...(step.condition ? { condition: step.condition.value.trim() } : {}),
  }));
}

/** The first line of a script step, so a listing distinguishes unnamed scripts. */
function scriptFirstLine(step: StepDefinition): string | undefined {
  if (step.type !== 'script' && step.type !== 'bash' && step.type !== 'pwsh' && step.type !== 'powershell') return undefined;
  const firstLine = step.script.trim().split('\n')[0] ?? '';
  return firstLine.length > 60 ? `${firstLine.slice(0, 57)}...` : firstLine;
}

/** Returns a step's display name, or the name Azure shows for a step without one. */
export function stepDisplayName(step: StepDefinition): string {
  return step.displayName ?? defaultStepDisplayName(step);
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
): ConditionOutline {
  const condition = located?.value;
  const isDefault = !condition?.trim();
  const expression = condition?.trim() || 'succeeded()';
  if (condition !== undefined && RUNTIME_DEPENDENCY.test(condition)) {
    return { expression, ...(isDefault ? { isDefault } : {}), prediction: 'unknown', outcome: 'decided at run time' };
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
    return { expression, ...(isDefault ? { isDefault } : {}), prediction: 'unknown', outcome: 'decided at run time' };
  }
  if (ifSucceeded.run) return { expression, ...(isDefault ? { isDefault } : {}), prediction: 'run', outcome: 'true' };
  if (ifSucceeded.result === 'failed') return { expression, ...(isDefault ? { isDefault } : {}), prediction: 'unknown', outcome: ifSucceeded.reason };
  return { expression, ...(isDefault ? { isDefault } : {}), prediction: 'skip', outcome: `false, would be skipped because ${ifSucceeded.reason}` };
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
