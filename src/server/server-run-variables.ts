import { formatRunNumber, runNumberPrefix } from '../plan/run-number.js';
import { branchNameOf } from '../runner/git-source-info.js';
import type { JobVariable } from '../runner/job-request.js';
import type { Pipeline } from '../store/pipeline-repository.js';
import type { Run } from '../store/run-repository.js';
import { redactUrl } from './git-command.js';

/** The source facts of a run that predefined variables are made of. */
export interface RunSourceFacts {
  pipeline: Pipeline;
  run: Run;
  /** First line of the commit message. */
  commitMessage: string;
  runAttempt: number;
  startTime: Date;
}

/**
 * Predefined variables that template expressions see
 * (marked "available in templates" in learn.microsoft.com …/build/variables).
 */
export function serverCompileTimeVariables(facts: Omit<RunSourceFacts, 'runAttempt' | 'startTime'>): Record<string, string> {
  const { run } = facts;
  return {
    'Build.Reason': run.trigger.reason,
    'Build.SourceBranch': run.trigger.branch,
    'Build.SourceBranchName': branchNameOf(run.trigger.branch),
    'Build.SourceVersion': run.trigger.commit,
    'Build.SourceVersionMessage': facts.commitMessage,
    'Build.Repository.Provider': 'Git',
  };
}

/**
 * The run-level predefined variables of a server run
 * (learn.microsoft.com …/pipelines/build/variables); Build.BuildId is the
 * run's id, and Build.BuildNumber is `runNumber` once it has been formatted.
 */
export function serverRunVariables(facts: RunSourceFacts, runNumber: string): Record<string, JobVariable> {
  const values = runVariableValues(facts);
  values['Build.BuildNumber'] = runNumber;
  // A pull-request trigger queues System.PullRequest.* as queue-time variables;
  // a read-only copy here would make the runner warn that their definition was ignored.
  delete values['System.PullRequest.PullRequestNumber'];
  const variables: Record<string, JobVariable> = {};
  for (const [name, value] of Object.entries(values)) variables[name] = { value, isSecret: false, readonly: true };
  return variables;
}

/**
 * Formats Build.BuildNumber from the pipeline's `name:` format; `nextRevision`
 * returns the next `$(Rev:r)` for a prefix, counted per pipeline in the store.
 */
export async function formatServerRunNumber(
  facts: RunSourceFacts,
  format: string | undefined,
  nextRevision: (prefix: string) => Promise<number>,
): Promise<string> {
  const inputs = { time: facts.startTime, buildId: facts.run.id, variables: runVariableValues(facts) };
  const revision = await nextRevision(runNumberPrefix(format, inputs));
  return formatRunNumber({ ...inputs, format, revision });
}

function runVariableValues(facts: RunSourceFacts): Record<string, string> {
  const { pipeline, run } = facts;
  const pullRequest: Record<string, string> =
    run.trigger.pullRequestNumber === undefined ? {} : { 'System.PullRequest.PullRequestNumber': String(run.trigger.pullRequestNumber) };
  return {
    'Build.BuildId': String(run.id),
    'Build.Reason': run.trigger.reason,
    'Build.SourceBranch': run.trigger.branch,
    'Build.SourceBranchName': branchNameOf(run.trigger.branch),
    'Build.SourceVersion': run.trigger.commit,
    'Build.SourceVersionMessage': facts.commitMessage,
    'Build.Repository.Name': pipeline.name,
    'Build.Repository.Provider': 'Git',
    'Build.Repository.Uri': redactUrl(pipeline.repositoryUrl),
    'Build.DefinitionName': pipeline.name,
    'Build.QueuedBy': run.requestedBy,
    'Build.RequestedFor': run.requestedBy,
    'System.DefinitionId': String(pipeline.id),
    'System.TeamProject': 'sluice',
    'System.DefinitionName': pipeline.name,
    'System.PipelineStartTime': facts.startTime.toISOString(),
    'System.StageAttempt': String(facts.runAttempt),
    'System.JobAttempt': String(facts.runAttempt),
    ...pullRequest,
  };
}
