import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { now, type RecordRef } from '../events/run-event.js';
import { aggregateResults, type TaskResult } from '../events/task-result.js';
import type { ExpressionValue } from '../language/expressions/expression-context.js';
import { evaluateRuntimeExpression, matchRuntimeExpression } from '../language/expressions/runtime-expression.js';
import type { StepDefinition, VariableDefinition } from '../language/pipeline/pipeline-model.js';
import { parseBooleanWord } from '../language/pipeline/node-reader.js';
import { formatLocation } from '../language/source-location.js';
import { expandMacros } from '../language/variables/macro-expansion.js';
import { collectAncestors } from '../plan/dependency-graph.js';
import { decideCondition } from '../plan/item-condition.js';
import { poolSkipReason } from '../plan/pool-matching.js';
import type { JobInstance, PlannedJob, PlannedStage } from '../plan/run-plan.js';
import { checkLegName, expandMatrix, parseMatrixJson } from '../plan/strategy-expansion.js';
import { PlanErrorCode } from '../plan/plan-error-codes.js';
import { applyValues, applyVariableDefinitions, VariableSet } from '../plan/variable-set.js';
import type { JobRequest } from '../runner/job-request.js';
import { withAutomaticDownload } from '../runner/tasks/deployment-download.js';
import {
  dependencyResults,
  jobDependenciesObject,
  stageDependenciesForJob,
  type FinishedJob,
} from './dependency-context.js';
import { planDeploymentRuns } from './deployment-hooks.js';
import { repositoryCopies } from './repository-copies.js';
import { runDeployment } from './deployment-run.js';
import { explainEmptyOutputs, expressionTexts, reportEmptyOutputs } from './empty-output-explanation.js';
import { JobSlots } from './job-slots.js';
import { resolveJobContainers } from './resolve-job-containers.js';
import type { JobRunOutcome } from './run-outcome.js';
import { emitFinished, emitStarted, type RunState } from './run-state.js';
import { applyQueueScope, describeEvaluationError, markGroupSecrets, resolveScope, runtimeResolver } from './runtime-variables.js';

/** The stage a job runs in, with what its jobs share. */
export interface StageScope {
  stage: PlannedStage;
  record: RecordRef;
  /** Stage-level definitions with `$[ ]` values evaluated when the stage started. */
  stageVariables: VariableDefinition[];
  /** Jobs of this stage that have finished, by job name. */
  jobs: Map<string, FinishedJob>;
}

/**
 * Runs one job of a stage when it is reached: evaluates its variables and
 * condition, expands a runtime matrix, and runs every instance within the job's
 * `maxParallel` and the run's limit. Never rejects: errors fail the job.
 */
export async function runJob(
  state: RunState,
  scope: StageScope,
  job: PlannedJob,
): Promise<{ finished: FinishedJob; outcomes: JobRunOutcome[] }> {
  const { stage } = scope;
  const errors: string[] = [];
  const namedValues: Record<string, ExpressionValue> = {
    dependencies: jobDependenciesObject(job.dependsOn, scope.jobs),
    stageDependencies: stageDependenciesForJob(stage.dependsOn, state.stages),
  };

  const jobScope = baseVariables(state, scope);
  const { resolved } = resolveScope(jobScope, job.variables, runtimeResolver(namedValues, state.options, errors, state.startTime), state.options.variableGroups);
  applyQueueScope(jobScope, state.options);

  const ancestorSet = collectAncestors(job.name, (name) => stage.jobs.find((item) => item.name === name)?.dependsOn ?? []);
  // Plan order, so a skip reason names the earliest failed dependency.
  const ancestors = stage.jobs.map((item) => item.name).filter((name) => ancestorSet.has(name));
  const decision = decideCondition({
    condition: job.condition,
    dependencyResults: dependencyResults(ancestors, (name) => scope.jobs.get(name)?.result),
    canceled: state.options.signal.aborted,
    namedValues: { ...namedValues, variables: jobScope.toValues() },
  });
  const canceledAtDecision = state.options.signal.aborted;

  // Explained now, before later jobs finish, and reported once the job's records exist.
  const emptyOutputs = explainEmptyOutputs(expressionTexts(job.variables, job.condition, job.runtimeMatrix), {
    level: 'job',
    dependsOn: job.dependsOn,
    stageDependsOn: stage.dependsOn,
    stageJobs: { planned: stage, finished: scope.jobs },
    stages: { planned: state.plan.stages, finished: state.stages },
    defined: state.plan.definition.stages,
  });
  const report = (ran: { finished: FinishedJob; outcomes: JobRunOutcome[] }) => {
    for (const outcome of ran.outcomes) reportEmptyOutputs(state.options.sink, outcome.recordId, emptyOutputs);
    return ran;
  };

  if (!decision.run) return report(finishWithoutRunning(state, scope, job, job.instances, decision.result, decision.reason));

  const instances = job.runtimeMatrix ? expandRuntimeMatrix(state, scope, job, namedValues, jobScope, errors) : job.instances;
  const continueOnError = instances.map((instance) => continueOnErrorOf(state, scope, job, instance, namedValues, resolved, errors));
  if (errors.length > 0) return report(finishWithoutRunning(state, scope, job, instances, 'failed', errors.join('\n')));

  const phaseSlots = new JobSlots(job.maxParallel);
  const outcomes = await Promise.all(
    instances.map((instance) =>
      runInstance(state, scope, job, instance, resolved, phaseSlots, canceledAtDecision),
    ),
  );
  return report({ finished: finishedJob(instances, outcomes, continueOnError), outcomes });
}

/** Records every instance (or the job itself, for an unexpanded runtime matrix) as not run. */
function finishWithoutRunning(
  state: RunState,
  scope: StageScope,
  job: PlannedJob,
  instances: readonly JobInstance[],
  result: TaskResult,
  reason: string,
): { finished: FinishedJob; outcomes: JobRunOutcome[] } {
  const targets = instances.length > 0 ? instances : [placeholderInstance(job)];
  const outcomes = targets.map((instance) => {
    const record = jobRecord(scope, instance);
    const finishTime = emitFinished(state, record, result, reason);
    return emptyOutcome(job, instance, record, result, reason, finishTime);
  });
  // A `$[ ]` continueOnError is not evaluated for a job that does not run, so it counts as false here.
  const continueOnError = targets.map(() => job.continueOnError);
  return { finished: finishedJob(targets, outcomes, continueOnError), outcomes };
}

/**
 * Evaluates `strategy.matrix: $[ … ]` into legs, with the same named values as
 * the job's variables (learn.microsoft.com/azure/devops/pipelines/process/phases).
 */
function expandRuntimeMatrix(
  state: RunState,
  scope: StageScope,
  job: PlannedJob,
  namedValues: Record<string, ExpressionValue>,
  jobScope: VariableSet,
  errors: string[],
): JobInstance[] {
  const matrix = job.runtimeMatrix!;
  const inner = matchRuntimeExpression(matrix.value);
  let legs: Record<string, Record<string, string>>;
  try {
    const text =
      inner === undefined
        ? matrix.value
        : evaluateRuntimeExpression(inner, {
            mode: 'runtime',
            namedValues: { ...namedValues, variables: jobScope.toValues() },
            counter: state.options.counter,
            now: state.startTime,
          }, matrix.location);
    legs = parseMatrixJson(text);
  } catch (error) {
    errors.push(`PLAN013: strategy matrix of job '${job.name}': ${describeEvaluationError(matrix.value, matrix.location, error)}`);
    return [];
  }

  warnAboutLegNames(state, scope.record.id, job, legs);
  const instances = expandMatrix(job.name, job.displayName, legs);
  for (const instance of instances) {
    const variables = jobScope.clone();
    applyValues(variables, instance.matrixVariables);
    const image = job.pool?.vmImage && expandMacros(job.pool.vmImage, (name) => variables.get(name)?.value);
    instance.skipReason = poolSkipReason(image, state.plan.hostOs, state.plan.platformMap);
  }
  return instances;
}

/** Reports leg names that break the documented rule on the stage record, which exists already. */
function warnAboutLegNames(state: RunState, recordId: string, job: PlannedJob, legs: Record<string, Record<string, string>>): void {
  for (const leg of Object.keys(legs)) {
    const problem = checkLegName(leg);
    if (problem === undefined) continue;
    state.options.sink({
      type: 'issue',
      recordId,
      issueType: 'warning',
      message: problem,
      code: PlanErrorCode.invalidLegName,
      sourcePath: job.runtimeMatrix?.location.file,
      line: job.runtimeMatrix?.location.line,
      column: job.runtimeMatrix?.location.column,
      time: now(),
    });
  }
}

async function runInstance(
  state: RunState,
  scope: StageScope,
  job: PlannedJob,
  instance: JobInstance,
  jobDefinitions: VariableDefinition[],
  phaseSlots: JobSlots,
  startedAfterCancel: boolean,
): Promise<JobRunOutcome> {
  const record = jobRecord(scope, instance);
  if (instance.skipReason) {
    const finishTime = emitFinished(state, record, 'skipped', instance.skipReason);
    return emptyOutcome(job, instance, record, 'skipped', instance.skipReason, finishTime);
  }

  // A job that starts after a cancel (always(), canceled()) would stop at once
  // with the aborted run signal. It gets a signal that fires after its cancel timeout instead.
  const cancelWindow = startedAfterCancel ? cancelTimeoutSignal(job) : undefined;
  const signal = cancelWindow?.signal ?? state.options.signal;

  const gotPhaseSlot = await phaseSlots.acquire(signal);
  const gotRunSlot = gotPhaseSlot && (await state.slots.acquire(signal));
  if (!gotRunSlot) {
    if (gotPhaseSlot) phaseSlots.release();
    cancelWindow?.dispose();
    const finishTime = emitFinished(state, record, 'canceled', 'run canceled');
    return emptyOutcome(job, instance, record, 'canceled', 'run canceled', finishTime);
  }

  try {
    const startTime = emitStarted(state, record);
    const { request, blocked, containerErrors } = buildRequest(state, scope, job, instance, record, jobDefinitions);
    if (containerErrors.length > 0) {
      const reason = containerErrors.join('\n');
      const finishTime = emitFinished(state, record, 'failed', reason);
      return { ...emptyOutcome(job, instance, record, 'failed', reason, finishTime), startTime };
    }
    for (const name of blocked) {
      state.options.sink({
        type: 'issue',
        recordId: record.id,
        issueType: 'warning',
        message: `variable '${name}' is read-only, so a later definition of it was ignored`,
        time: now(),
      });
    }
    let outcome: JobRunOutcome;
    try {
      const deployment = planDeploymentRuns(job.name, job.definition);
      const result = deployment
        ? await runDeployment(state.options.executor, request, deployment, state.options.sink, signal)
        : await state.options.executor.runJob(request, state.options.sink, signal);
      outcome = { ...emptyOutcome(job, instance, record, result.result, result.reason), ...result, name: instance.name };
      if (job.definition.environment) outcome.environment = { ...job.definition.environment };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      outcome = emptyOutcome(job, instance, record, 'failed', `the runner failed: ${message}`);
    }
    outcome.startTime = startTime;
    outcome.finishTime = emitFinished(state, record, outcome.result, outcome.reason);
    return outcome;
  } finally {
    state.slots.release();
    phaseSlots.release();
    cancelWindow?.dispose();
  }
}

function buildRequest(
  state: RunState,
  scope: StageScope,
  job: PlannedJob,
  instance: JobInstance,
  record: RecordRef,
  jobDefinitions: VariableDefinition[],
): { request: JobRequest; blocked: string[]; containerErrors: string[] } {
  const { options } = state;
  const variables = new VariableSet();
  for (const [name, variable] of Object.entries(options.runVariables)) variables.set(name, variable);
  for (const [name, value] of Object.entries(systemJobVariables(scope.stage, job, instance))) {
    variables.set(name, { value, isSecret: false, readonly: true });
  }

  // Lowest precedence first: pipeline, stage, matrix leg, job, each under the queue-time values.
  const blocked = [
    ...applyVariableDefinitions(variables, state.pipelineVariables),
    ...applyQueueScope(variables, options),
    ...applyVariableDefinitions(variables, scope.stageVariables),
    ...applyQueueScope(variables, options),
    ...applyValues(variables, instance.matrixVariables),
    ...applyVariableDefinitions(variables, jobDefinitions),
    ...applyQueueScope(variables, options),
  ];
  markGroupSecrets(variables, options.variableGroups);

  const request: JobRequest = {
    runId: options.runId,
    record,
    stageName: scope.stage.name,
    jobName: instance.name,
    agentJobName: instance.agentJobName,
    steps: jobSteps(job),
    variables: variables.toRecord(),
    timeoutInMinutes: job.definition.timeoutInMinutes,
    cancelTimeoutInMinutes: job.definition.cancelTimeoutInMinutes,
    pool: job.pool,
    workspaceClean: job.definition.workspaceClean,
    source: options.source,
    workRoot: options.workRoot,
    workRootOwned: options.workRootOwned,
    // One artifact store per run, shared by its jobs, so a later job downloads what an earlier one published.
    artifactStoreRoot: options.artifactStoreRoot ?? join(options.workRoot, 'artifacts'),
    positionInPhase: instance.positionInPhase,
    totalJobsInPhase: instance.totalJobsInPhase,
  };
  // Azure does not check a deployment job's sources out implicitly (learn.microsoft.com …/process/deployment-jobs).
  if (job.definition.kind === 'deployment') request.implicitCheckout = false;
  if (options.repositories) request.repositories = repositoryCopies(options.repositories, state.plan.definition.resources?.repositories ?? []);
  const containers = resolveJobContainers(job.definition, state.plan.definition.resources?.containers ?? [], variables);
  if (containers.container) request.container = containers.container;
  if (containers.services) request.services = containers.services;
  return { request, blocked: [...new Set(blocked)], containerErrors: containers.errors };
}

/**
 * Job-scoped predefined variables (learn.microsoft.com/azure/devops/pipelines/build/variables).
 * They are read-only, so a YAML variable of the same name does not replace them.
 */
function systemJobVariables(stage: PlannedStage, job: PlannedJob, instance: JobInstance): Record<string, string> {
  return {
    'Agent.JobName': instance.agentJobName,
    'System.JobName': instance.agentJobName,
    'System.JobDisplayName': instance.displayName,
    'System.JobId': randomUUID(),
    'System.JobAttempt': '1',
    'System.PhaseName': job.name,
    'System.PhaseDisplayName': job.displayName,
    'System.PhaseAttempt': '1',
    'System.StageName': stage.name,
    'System.StageDisplayName': stage.displayName,
    'System.StageAttempt': '1',
    'System.JobPositionInPhase': String(instance.positionInPhase),
    'System.TotalJobsInPhase': String(instance.totalJobsInPhase),
  };
}

/**
 * Steps of a job. A deployment job keeps its steps in lifecycle hooks, which
 * runDeployment runs hook by hook (see deployment-hooks.ts); these are the
 * steps of every hook in order, for a deployment run by an executor directly.
 */
function jobSteps(job: PlannedJob): StepDefinition[] {
  const definition = job.definition;
  const hooks = definition.strategy?.deployment?.hooks;
  if (definition.steps.length > 0 || hooks === undefined) return definition.steps;
  // The deploy hook downloads the run's artifacts first unless it has a download step of its own.
  return ['preDeploy', 'deploy', 'routeTraffic', 'postRouteTraffic'].flatMap((hook) => {
    const steps = hooks[hook]?.steps ?? [];
    return hook === 'deploy' && hooks[hook] ? withAutomaticDownload(steps, steps[0]?.location ?? definition.location) : steps;
  });
}

/**
 * Summarises a job for its dependants. The result is the worst instance result
 * after `continueOnError` (one flag per instance) has turned each failure into
 * succeededWithIssues (learn.microsoft.com/azure/devops/pipelines/process/phases).
 * Output keys of a matrix leg or slice get the leg name as a prefix.
 */
function finishedJob(
  instances: readonly JobInstance[],
  outcomes: readonly JobRunOutcome[],
  continueOnError: readonly boolean[],
): FinishedJob {
  const result = aggregateResults(
    outcomes.map((outcome, index) => (outcome.result === 'failed' && continueOnError[index] ? 'succeededWithIssues' : outcome.result)),
  );

  const outputs: Record<string, string> = {};
  outcomes.forEach((outcome, index) => {
    const leg = instances[index]?.legName;
    for (const [key, value] of Object.entries(outcome.outputs)) outputs[leg ? `${leg}.${key}` : key] = value;
  });
  return { result, outputs };
}

/**
 * Decides continueOnError for one job instance. A `$[ ]` value is evaluated with
 * the named values of the job's condition and the variables the instance gets,
 * matrix leg included, so `$[eq(variables.rust, 'beta')]` differs per leg. Its
 * result must be a YAML boolean word; an error is added to `errors` and gives false.
 */
function continueOnErrorOf(
  state: RunState,
  scope: StageScope,
  job: PlannedJob,
  instance: JobInstance,
  namedValues: Record<string, ExpressionValue>,
  jobDefinitions: VariableDefinition[],
  errors: string[],
): boolean {
  const expression = job.definition.continueOnErrorExpression;
  if (expression === undefined) return job.continueOnError;

  // Lowest precedence first, as buildRequest applies them: pipeline, stage, matrix leg, job, queue-time values.
  const variables = baseVariables(state, scope);
  applyValues(variables, instance.matrixVariables);
  applyVariableDefinitions(variables, jobDefinitions);
  applyQueueScope(variables, state.options);

  let text: string;
  try {
    text = evaluateRuntimeExpression(matchRuntimeExpression(expression.value) ?? expression.value, {
      mode: 'runtime',
      namedValues: { ...namedValues, variables: variables.toValues() },
      counter: state.options.counter,
      now: state.startTime,
    }, expression.location);
  } catch (error) {
    errors.push(`continueOnError of job '${instance.name}': ${describeEvaluationError(expression.value, expression.location, error)}`);
    return false;
  }

  const value = parseBooleanWord(text);
  if (value !== undefined) return value;
  // The value is left out of the message because it may come from a secret variable.
  errors.push(
    `${formatLocation(expression.location)}: PIPE002: continueOnError of job '${instance.name}' did not evaluate to a boolean ` +
      `(in '${expression.value.trim()}'); make the expression return true or false`,
  );
  return false;
}

function baseVariables(state: RunState, scope: StageScope): VariableSet {
  const variables = new VariableSet();
  for (const [name, variable] of Object.entries(state.options.runVariables)) variables.set(name, variable);
  applyVariableDefinitions(variables, state.pipelineVariables);
  applyVariableDefinitions(variables, scope.stageVariables);
  applyQueueScope(variables, state.options);
  return variables;
}

function jobRecord(scope: StageScope, instance: JobInstance): RecordRef {
  return {
    id: `${scope.stage.name}.${instance.name}`,
    parentId: scope.record.id,
    type: 'job',
    name: instance.name,
    displayName: instance.displayName,
  };
}

function placeholderInstance(job: PlannedJob): JobInstance {
  return {
    name: job.name,
    displayName: job.displayName,
    agentJobName: job.name,
    matrixVariables: {},
    positionInPhase: 1,
    totalJobsInPhase: 1,
  };
}

function emptyOutcome(
  job: PlannedJob,
  instance: JobInstance,
  record: RecordRef,
  result: TaskResult,
  reason?: string,
  finishTime?: string,
): JobRunOutcome {
  return {
    name: instance.name,
    displayName: instance.displayName,
    jobName: job.name,
    recordId: record.id,
    result,
    reason,
    finishTime,
    variables: {},
    outputs: {},
  };
}

/** Creates a signal that aborts after the job's cancel timeout, for jobs that start after a cancel. */
function cancelTimeoutSignal(job: PlannedJob): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const minutes = job.definition.cancelTimeoutInMinutes;
  const timer = minutes > 0 ? setTimeout(() => controller.abort(), minutes * 60_000) : undefined;
  timer?.unref();
  return { signal: controller.signal, dispose: () => clearTimeout(timer) };
}
