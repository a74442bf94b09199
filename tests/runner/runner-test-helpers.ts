import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { RunEvent } from '../../src/events/run-event.js';
import type { ScriptStep, StepDefinition, TaskStep } from '../../src/language/pipeline/pipeline-model.js';
import type { JobOutcome, JobRequest, JobVariable } from '../../src/runner/job-request.js';
import { LocalJobRunner, type LocalJobRunnerOptions } from '../../src/runner/local-job-runner.js';

const LOCATION = { file: 'azure-pipelines.yml', line: 1, column: 1 };

/** A temporary folder removed by `cleanupTempDirs`. */
const created: string[] = [];
export function makeTempDir(prefix = 'sluice-runner-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}
export function cleanupTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' },
  });
}

/** Creates a git repository with one commit of `files`. */
export function makeGitRepo(files: Record<string, string>, branch = 'main'): string {
  const dir = makeTempDir('sluice-repo-');
  git(dir, 'init', '--quiet', '-b', branch);
  writeFiles(dir, files);
  git(dir, 'add', '-A');
  git(dir, 'commit', '--quiet', '-m', 'First commit\n\nbody line');
  return dir;
}

type StepOverrides = Partial<Omit<ScriptStep, 'type' | 'script'>>;

export function scriptStep(type: ScriptStep['type'], script: string, overrides: StepOverrides = {}): ScriptStep {
  return {
    type,
    script,
    failOnStderr: false,
    continueOnError: false,
    enabled: true,
    env: {},
    timeoutInMinutes: 0,
    retryCountOnTaskFailure: 0,
    location: LOCATION,
    ...overrides,
  };
}

export function bash(script: string, overrides: StepOverrides = {}): ScriptStep {
  return scriptStep('bash', script, overrides);
}

export function taskStep(task: string, version: string, inputs: Record<string, string>, overrides: Partial<TaskStep> = {}): TaskStep {
  return {
    type: 'task',
    task,
    version,
    inputs,
    continueOnError: false,
    enabled: true,
    env: {},
    timeoutInMinutes: 0,
    retryCountOnTaskFailure: 0,
    location: LOCATION,
    ...overrides,
  };
}

export function condition(value: string): { value: string; location: typeof LOCATION } {
  return { value, location: LOCATION };
}

export function variable(value: string, isSecret = false, readonly = false): JobVariable {
  return { value, isSecret, readonly };
}

/** Builds a request that runs `steps` with no implicit checkout unless asked. */
export function makeRequest(steps: StepDefinition[], overrides: Partial<JobRequest> = {}): JobRequest {
  const workRoot = overrides.workRoot ?? makeTempDir('sluice-work-');
  const source = overrides.source ?? { path: makeTempDir('sluice-src-'), inPlace: false };
  return {
    runId: 'run-1',
    record: { id: 'Build.Job', parentId: 'Build', type: 'job', name: 'Job', displayName: 'Job' },
    stageName: 'Build',
    jobName: 'Job',
    agentJobName: 'Job',
    steps,
    variables: {},
    timeoutInMinutes: 0,
    cancelTimeoutInMinutes: 1,
    source,
    workRoot,
    positionInPhase: 1,
    totalJobsInPhase: 1,
    implicitCheckout: false,
    ...overrides,
  };
}

export interface JobRun {
  outcome: JobOutcome;
  events: RunEvent[];
  /** Output lines of the step record `Build.Job.<index>`, stdout and stderr. */
  lines(index: number): string[];
  finished(index: number): Extract<RunEvent, { type: 'record-finished' }> | undefined;
}

export async function runJob(request: JobRequest, options: LocalJobRunnerOptions = {}, signal = new AbortController().signal): Promise<JobRun> {
  const events: RunEvent[] = [];
  const runner = new LocalJobRunner({ retryBackoffUnitMs: 10, ...options });
  const outcome = await runner.runJob(request, (event) => events.push(event), signal);
  return {
    outcome,
    events,
    lines: (index) =>
      events.flatMap((event) => (event.type === 'log' && event.recordId === `${request.record.id}.${index}` && event.stream !== 'system' ? [event.line] : [])),
    finished: (index) =>
      events.find((event): event is Extract<RunEvent, { type: 'record-finished' }> => event.type === 'record-finished' && event.record.id === `${request.record.id}.${index}`),
  };
}
