import { basename } from 'node:path';
import { formatRunNumber, runNumberPrefix } from '../plan/run-number.js';
import type { JobVariable } from '../runner/job-request.js';
import type { GitSourceInfo } from '../runner/git-source-info.js';
import type { LocalRunDirectory, LocalRunSlot } from '../store/local-run-directory.js';
import { compileTimeVariables, type RunTrigger } from './compile-time-variables.js';

/**
 * The predefined run-level variables of a local run (learn.microsoft.com
 * …/pipelines/build/variables): what a manual run of this checkout would have.
 * Job-level ones (Agent.*, directories) come from the runner. `trigger` sets
 * Build.Reason and, for a pull request, the System.PullRequest.* variables.
 */
export async function createRunVariables(options: {
  source: GitSourceInfo;
  sourceRoot: string;
  slot: LocalRunSlot;
  runDirectory: LocalRunDirectory;
  runNumberFormat?: string;
  startTime: Date;
  trigger?: RunTrigger;
}): Promise<Record<string, JobVariable>> {
  const { source, slot } = options;
  const repositoryName = basename(options.sourceRoot);
  const values: Record<string, string> = {
    'Build.BuildId': String(slot.buildId),
    ...compileTimeVariables(source, options.trigger ?? {}),
    'Build.Repository.Name': repositoryName,
    'Build.DefinitionName': repositoryName,
    'Build.QueuedBy': 'sluice',
    'Build.RequestedFor': process.env.USER ?? 'sluice',
    'System.TeamProject': 'local',
    'System.DefinitionName': repositoryName,
    'System.PipelineStartTime': options.startTime.toISOString(),
    'System.StageAttempt': '1',
    'System.JobAttempt': '1',
  };

  const numberInputs = { time: options.startTime, buildId: slot.buildId, variables: values };
  const prefix = runNumberPrefix(options.runNumberFormat, numberInputs);
  const revision = await options.runDirectory.nextRevision(prefix);
  values['Build.BuildNumber'] = formatRunNumber({ ...numberInputs, format: options.runNumberFormat, revision });

  const variables: Record<string, JobVariable> = {};
  for (const [name, value] of Object.entries(values)) variables[name] = { value, isSecret: false, readonly: true };
  return variables;
}
