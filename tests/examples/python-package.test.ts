import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RunEvent } from '../../src/events/run-event.js';
import type { RunSummary, SummaryJob, SummaryRecord, SummaryStage } from '../../src/cli/output/run-summary.js';
import {
  REPO_ROOT,
  createExampleCheckout,
  runSluice,
  type ExampleCheckout,
  type SluiceProcessResult,
} from './sluice-process.js';

const EXAMPLE_DIR = join(REPO_ROOT, 'examples', 'python-package');

// One run of the whole pipeline takes tens of seconds; the default test timeout is too short.
const RUN_HOOK_TIMEOUT_MS = 300_000;

// The matrix of examples/python-package/azure-pipelines.yml: leg name, Python
// version and which of the two test steps runs.
const LEGS = [
  { leg: 'py311', version: '3.11', runner: 'pytest' },
  { leg: 'py312', version: '3.12', runner: 'pytest' },
  { leg: 'py313', version: '3.13', runner: 'pytest' },
  { leg: 'py36', version: '3.6', runner: 'unittest' },
] as const;

const PYTEST_STEP = 'Install and run pytest';
const UNITTEST_STEP = 'Run unittest with the standard library';

// tinyver's suite has 22 test functions; pytest and the unittest runner both report each one.
const MIN_TEST_CASES = 22;

interface ParsedRun {
  process: SluiceProcessResult;
  events: RunEvent[];
  summary: RunSummary;
}

/** Parses `--output json` output: one JSON object per line, the summary last. */
function parseJsonOutput(result: SluiceProcessResult): ParsedRun {
  const lines = result.stdout.split('\n').filter((line) => line.trim() !== '');
  const context = `exit code ${result.exitCode}, stderr:\n${result.stderr.slice(-4000)}`;
  if (lines.length === 0) throw new Error(`sluice printed nothing on stdout (${context})`);

  const objects = lines.map((line, index) => {
    try {
      return JSON.parse(line) as { type: string };
    } catch {
      throw new Error(`stdout line ${index + 1} is not JSON: ${line.slice(0, 200)} (${context})`);
    }
  });
  const summary = objects[objects.length - 1];
  if (summary.type !== 'summary') {
    throw new Error(`last stdout line has type '${summary.type}', expected 'summary' (${context})`);
  }
  return { process: result, events: objects.slice(0, -1) as RunEvent[], summary: summary as RunSummary };
}

function findStage(summary: RunSummary, name: string): SummaryStage {
  const stage = summary.stages.find((candidate) => candidate.name === name);
  if (!stage) throw new Error(`stage '${name}' not in summary; stages: ${summary.stages.map((s) => s.name).join(', ')}`);
  return stage;
}

function findJob(stage: SummaryStage, name: string): SummaryJob {
  const job = stage.jobs.find((candidate) => candidate.name === name);
  if (!job) throw new Error(`job '${name}' not in stage '${stage.name}'; jobs: ${stage.jobs.map((j) => j.name).join(', ')}`);
  return job;
}

function findStep(job: SummaryJob, displayName: string): SummaryRecord {
  const step = job.steps.find((candidate) => candidate.displayName === displayName);
  if (!step) {
    throw new Error(`step '${displayName}' not in job '${job.name}'; steps: ${job.steps.map((s) => s.displayName).join(', ')}`);
  }
  return step;
}

/** Returns the log lines of the step with `displayName` in the job whose record id is `jobId`. */
function stepLogLines(events: RunEvent[], jobId: string, displayName: string): string[] {
  const started = events.find(
    (event) =>
      event.type === 'record-started' &&
      event.record.type === 'step' &&
      event.record.parentId === jobId &&
      event.record.displayName === displayName,
  );
  if (started?.type !== 'record-started') throw new Error(`no step '${displayName}' started in job '${jobId}'`);
  const stepId = started.record.id;
  return events.flatMap((event) => (event.type === 'log' && event.recordId === stepId ? [event.line] : []));
}

describe('python-package example on main', () => {
  let checkout: ExampleCheckout | undefined;
  let run: ParsedRun;

  beforeAll(async () => {
    checkout = createExampleCheckout(EXAMPLE_DIR);
    const args = ['run', '--output', 'json', '--work-dir', checkout.workDir];
    run = parseJsonOutput(await runSluice(checkout.repository, args));
  }, RUN_HOOK_TIMEOUT_MS);

  afterAll(() => {
    if (checkout) rmSync(checkout.root, { recursive: true, force: true });
  });

  it('exits 0 with a succeeded run', () => {
    expect(run.process.timedOut).toBe(false);
    expect(run.process.exitCode, run.process.stderr).toBe(0);
    expect(run.summary.result).toBe('succeeded');
  });

  it('runs the three stages in order', () => {
    expect(run.summary.stages.map((stage) => stage.name)).toEqual(['Build', 'Test', 'Publish']);
    for (const stage of run.summary.stages) {
      expect(stage.result, `stage ${stage.name}`).toBe('succeeded');
    }
  });

  it('builds the wheel with Python 3.12', () => {
    const job = findJob(findStage(run.summary, 'Build'), 'Wheel');

    expect(job.result).toBe('succeeded');
    expect(job.pythonVersion).toMatch(/^3\.12\.\d+$/);
    expect(job.steps.map((step) => step.result)).toEqual(job.steps.map(() => 'succeeded'));
  });

  it('passes a logging-command variable to a later step', () => {
    const job = findJob(findStage(run.summary, 'Build'), 'Wheel');
    const setEvents = run.events.filter(
      (event) => event.type === 'variable-set' && event.name === 'wheelName',
    );

    expect(job.variables?.wheelName).toBe('tinyver-0.1.0-py3-none-any.whl');
    expect(setEvents).toHaveLength(1);
    expect(findStep(job, 'Check the recorded wheel name').result).toBe('succeeded');
  });

  it('expands the matrix into one job per leg', () => {
    const stage = findStage(run.summary, 'Test');

    expect(stage.jobs.map((job) => job.name).sort()).toEqual(LEGS.map(({ leg }) => `Tests_${leg}`).sort());
  });

  it.each(LEGS)('leg $leg uses Python $version and $runner', ({ leg, version, runner }) => {
    const job = findJob(findStage(run.summary, 'Test'), `Tests_${leg}`);
    const escapedVersion = version.replace('.', '\\.');

    expect(job.result).toBe('succeeded');
    expect(job.pythonVersion).toMatch(new RegExp(`^${escapedVersion}\\.\\d+$`));
    expect(job.variables?.['python.version']).toBe(version);
    expect(findStep(job, PYTEST_STEP).result).toBe(runner === 'pytest' ? 'succeeded' : 'skipped');
    expect(findStep(job, UNITTEST_STEP).result).toBe(runner === 'unittest' ? 'succeeded' : 'skipped');
    expect(findStep(job, 'Check the JUnit file').result).toBe('succeeded');
  });

  // A later job may reuse a leg's workspace and empty its TestResults/ folder.
  // So the pipeline checks each JUnit file while its job runs, and this test
  // reads what that check step logged.
  it.each(LEGS)('leg $leg writes a JUnit file', ({ leg, version }) => {
    const job = findJob(findStage(run.summary, 'Test'), `Tests_${leg}`);
    const junitFile = job.variables?.junitFile ?? '';
    const lines = stepLogLines(run.events, `Test.Tests_${leg}`, 'Check the JUnit file');
    const counted = lines.map((line) => /has (\d+) test cases$/.exec(line)).find((match) => match !== null);

    expect(junitFile).toMatch(new RegExp(`TestResults/junit-py${version.replace('.', '\\.')}\\.xml$`));
    expect(lines).toContain(`${junitFile} has ${counted?.[1]} test cases`);
    expect(Number(counted?.[1])).toBeGreaterThanOrEqual(MIN_TEST_CASES);
  });

  it.each(LEGS)('leg $leg reports every test passed', ({ leg, runner }) => {
    const stepName = runner === 'pytest' ? PYTEST_STEP : UNITTEST_STEP;
    const output = stepLogLines(run.events, `Test.Tests_${leg}`, stepName).join('\n');

    // pytest closes with "22 passed, 33 subtests passed in 0.03s", run_unittest.py with "22 passed, 0 failed".
    expect(output).toMatch(new RegExp(`\\b${MIN_TEST_CASES} passed\\b`));
    expect(output).not.toMatch(/\b[1-9]\d* (failed|error)/);
  });

  it('runs Publish on main', () => {
    const job = findJob(findStage(run.summary, 'Publish'), 'List');

    expect(job.result).toBe('succeeded');
    expect(job.steps.map((step) => step.result)).toEqual(job.steps.map(() => 'succeeded'));
  });
});

describe('python-package example on a feature branch', () => {
  let checkout: ExampleCheckout | undefined;
  let run: ParsedRun;

  beforeAll(async () => {
    checkout = createExampleCheckout(EXAMPLE_DIR);
    // The repository stays on main, so only --branch makes this a feature-branch run.
    // A CLI that ignored the flag would run Publish and fail the test.
    const args = ['run', '--output', 'json', '--branch', 'feature/readme', '--work-dir', checkout.workDir];
    run = parseJsonOutput(await runSluice(checkout.repository, args));
  }, RUN_HOOK_TIMEOUT_MS);

  afterAll(() => {
    if (checkout) rmSync(checkout.root, { recursive: true, force: true });
  });

  it('exits 0 with Build and Test succeeded', () => {
    expect(run.process.timedOut).toBe(false);
    expect(run.process.exitCode, run.process.stderr).toBe(0);
    expect(run.summary.result).toBe('succeeded');
    expect(findStage(run.summary, 'Build').result).toBe('succeeded');
    expect(findStage(run.summary, 'Test').result).toBe('succeeded');
  });

  it('keeps the three stages at the top', () => {
    expect(run.summary.stages.map((stage) => stage.name)).toEqual(['Build', 'Test', 'Publish']);
  });

  // Build.SourceBranchName is the last path segment of the ref
  // (learn.microsoft.com/azure/devops/pipelines/build/variables).
  it('sets Build.SourceBranch from --branch', () => {
    const job = findJob(findStage(run.summary, 'Build'), 'Wheel');

    expect(job.variables?.['Build.SourceBranch']).toBe('refs/heads/feature/readme');
    expect(job.variables?.['Build.SourceBranchName']).toBe('readme');
  });

  it('skips Publish with the condition as reason', () => {
    const stage = findStage(run.summary, 'Publish');

    expect(stage.result).toBe('skipped');
    expect(stage.reason ?? '').toMatch(/condition/i);
    expect(stage.reason ?? '').toContain("'refs/heads/main'");
  });

  // The event stream reports the List job as skipped with parent Publish, so the
  // summary must show it under that stage.
  it('skips the Publish job with the stage', () => {
    const job = findJob(findStage(run.summary, 'Publish'), 'List');

    expect(job.result).toBe('skipped');
    expect(job.steps.map((step) => step.result)).toEqual(job.steps.map(() => 'skipped'));
  });
});
