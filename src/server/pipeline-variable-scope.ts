import type { IssueEvent } from '../events/run-event.js';
import type { JobVariable } from '../runner/job-request.js';
import type { Store } from '../store/open-store.js';
import { PipelineVariableRepository, type PipelineVariable } from '../store/pipeline-variable-repository.js';
import type { QueueTimeVariable, Run } from '../store/run-repository.js';
import type { SecretBox } from '../store/secret-box.js';
import { shouldExposeSecrets } from '../triggers/fork-secrets.js';
import { ApiError } from './api-error.js';
import type { ServerLogger } from './server-logger.js';
import { ForgeSettingsRepository } from './triggers/forge-settings.js';

/** The pipeline variables of one run and the secrets it does not get. */
export interface PipelineVariableScope {
  /**
   * Pipeline variables as run-level variables that are not read-only, so every
   * YAML scope overrides them. Azure ranks variables of the pipeline settings UI
   * lowest: "A variable set in the pipeline root level overrides a variable set
   * in the Pipeline settings UI" (learn.microsoft.com/azure/devops/pipelines/process/variables).
   * Secret ones are masked in logs by the runner and in record reasons by the orchestrator.
   */
  variables: Record<string, JobVariable>;
  /** Names of the secret pipeline variables left undefined for this run, so `$(name)` stays literal. */
  withheld: string[];
  /** Reason the secrets were withheld; undefined when none were. */
  reason?: string;
  /**
   * Warning that names the withheld secrets, to record for the run. It is
   * undefined when none were withheld, or when a resumed attempt already has it.
   */
  issue?: IssueEvent;
}

/** Inputs of `pipelineVariableScope`. */
export interface PipelineVariableScopeInput {
  store: Store;
  secrets: SecretBox;
  run: Run;
  /** The run's queue-time variables with clear values; a PR run's System.PullRequest.IsFork is one of them. */
  queueVariables: Record<string, QueueTimeVariable>;
  attempt: number;
  /** Timeline record that carries the warning: the run's first stage; undefined for a plan without stages. */
  issueRecordId: string | undefined;
  logger: ServerLogger;
}

/**
 * Loads the pipeline variables of a run. A PullRequest run from a fork gets no
 * secret ones unless the repository allows secrets for forks, like Azure's
 * `forks.allowSecrets` build setting (learn.microsoft.com/javascript/api/azure-devops-extension-api/forks).
 * A PullRequest run without `System.PullRequest.IsFork=False` counts as a fork,
 * so a run of unknown origin never gets secrets.
 */
export async function pipelineVariableScope(input: PipelineVariableScopeInput): Promise<PipelineVariableScope> {
  const stored = await new PipelineVariableRepository(input.store, input.secrets).values(input.run.pipelineId);
  if (stored.length === 0) return { variables: {}, withheld: [] };

  const decision = await secretDecision(input);
  const variables: Record<string, JobVariable> = {};
  const withheld: string[] = [];
  for (const variable of stored) {
    if (variable.isSecret && !decision.expose) {
      withheld.push(variable.name);
      continue;
    }
    variables[variable.name] = { value: variable.value, isSecret: variable.isSecret, readonly: false };
  }
  if (withheld.length === 0) return { variables, withheld };

  const scope: PipelineVariableScope = { variables, withheld, reason: decision.reason };
  input.logger.info({ runId: input.run.id, pipelineId: input.run.pipelineId, withheld, reason: decision.reason }, 'secret pipeline variables withheld');
  const issue = input.issueRecordId === undefined ? undefined : withheldSecretsIssue(scope, input.run.pipelineId, input.issueRecordId);
  if (issue !== undefined && !(await hasIssue(input, issue))) scope.issue = issue;
  return scope;
}

/**
 * Returns the warning that names the withheld secrets, to record on `recordId`
 * (the run's first stage); undefined when nothing was withheld. The message
 * contains names only, never values.
 */
export function withheldSecretsIssue(scope: PipelineVariableScope, pipelineId: number, recordId: string): IssueEvent | undefined {
  if (scope.withheld.length === 0) return undefined;
  const names = scope.withheld.map((name) => `'${name}'`).join(', ');
  const count = scope.withheld.length === 1 ? 'secret pipeline variable' : 'secret pipeline variables';
  return {
    type: 'issue',
    recordId,
    issueType: 'warning',
    message: `the ${count} ${names} ${scope.withheld.length === 1 ? 'was' : 'were'} not given to this run because ${scope.reason}; an admin can allow them with allowSecretsForForks in PUT /api/pipelines/${pipelineId}/forge`,
    time: new Date().toISOString(),
  };
}

/**
 * Checks queue-time variables against the pipeline variables and returns the
 * variables to queue. A pipeline variable may be set at queue time only when
 * it has `allowOverride` (`az pipelines variable create --allow-override`), so
 * any other match is SRV004. A queue-time value for a secret pipeline variable stays secret.
 */
export function applyQueueTimeOverrides(
  pipelineVariables: readonly Pick<PipelineVariable, 'name' | 'isSecret' | 'allowOverride'>[],
  queueVariables: Record<string, QueueTimeVariable>,
): Record<string, QueueTimeVariable> {
  const byName = new Map(pipelineVariables.map((variable) => [variable.name.toLowerCase(), variable]));
  const rejected: string[] = [];
  const result: Record<string, QueueTimeVariable> = {};
  for (const [name, variable] of Object.entries(queueVariables)) {
    const defined = byName.get(name.toLowerCase());
    if (defined !== undefined && !defined.allowOverride) rejected.push(name);
    result[name] = defined?.isSecret === true ? { value: variable.value, isSecret: true } : variable;
  }
  if (rejected.length > 0) {
    throw new ApiError(
      'invalidRequest',
      `the pipeline variables ${rejected.map((name) => `'${name}'`).join(', ')} cannot be set at queue time`,
      'leave them out of the request, or set allowOverride on the pipeline variable',
    );
  }
  return result;
}

/** True when the record of this attempt already has the warning, because the run was resumed after a restart. */
async function hasIssue(input: PipelineVariableScopeInput, issue: IssueEvent): Promise<boolean> {
  const record = await input.store.timeline.get(input.run.id, issue.recordId, input.attempt);
  return record?.issues.some((existing) => existing.message === issue.message) ?? false;
}

async function secretDecision(input: PipelineVariableScopeInput): Promise<{ expose: boolean; reason: string }> {
  if (input.run.trigger.reason !== 'PullRequest') return { expose: true, reason: 'the run is not a pull request run' };

  const isFork = input.queueVariables['System.PullRequest.IsFork']?.value !== 'False';
  const settings = await new ForgeSettingsRepository(input.store, input.secrets).get(input.run.pipelineId);
  return shouldExposeSecrets({ isFork }, { allowSecretsForForks: settings?.allowSecretsForForks ?? false });
}
