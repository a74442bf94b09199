import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { SummaryJob, SummaryRecord } from '../../src/cli/output/run-summary.js';
import { allLogLines, findJob, findStage, parseJsonRun, stepLogLines, type JsonRun } from './json-run.js';
import { REPO_ROOT, createExampleCheckout, runSluice, type ExampleCheckout } from './sluice-process.js';

const EXAMPLE_DIR = join(REPO_ROOT, 'examples', 'python-release');

// Four runs of the whole pipeline, one after another, in one hook.
const RUNS_HOOK_TIMEOUT_MS = 600_000;

const LEGS = [
  { leg: 'py311', version: '3.11' },
  { leg: 'py312', version: '3.12' },
] as const;

// tests/test_relcalc.py: three plain tests, one parametrised over four cases, one wheel check.
const TEST_CASES = 8;

/** The slots after a run: the release (RELEASE file) in each slot folder that exists. */
type Slots = Partial<Record<'current' | 'previous' | 'failed', string>>;

interface ReleaseRun {
  run: JsonRun;
  slots: Slots;
}

/** Finds a deployment step by the name it was written with, whatever hook prefix the summary adds. */
function deployStep(job: SummaryJob, displayName: string): SummaryRecord {
  const step = job.steps.find((candidate) => candidate.displayName === displayName || candidate.displayName.endsWith(`: ${displayName}`));
  if (!step) throw new Error(`step '${displayName}' not in job '${job.name}'; steps: ${job.steps.map((s) => s.displayName).join(', ')}`);
  return step;
}

function buildVariables(run: JsonRun): Record<string, string> {
  return findJob(findStage(run.summary, 'Build'), 'Wheel').variables ?? {};
}

describe('python-release example', () => {
  let checkout: ExampleCheckout | undefined;
  let slotRoot = '';
  const runs: ReleaseRun[] = [];

  function readSlots(): Slots {
    const slots: Slots = {};
    for (const slot of ['current', 'previous', 'failed'] as const) {
      const file = join(slotRoot, 'relcalc', slot, 'RELEASE');
      if (existsSync(file)) slots[slot] = readFileSync(file, 'utf8').trim();
    }
    return slots;
  }

  beforeAll(async () => {
    checkout = createExampleCheckout(EXAMPLE_DIR);
    slotRoot = join(checkout.root, 'slots');
    mkdirSync(slotRoot);
    // A private cache store: the first run must miss and the second must hit.
    const env = { XDG_CACHE_HOME: join(checkout.root, 'cache') };
    const base = ['run', '--output', 'json', '--work-dir', checkout.workDir, '--variable', `deployRoot=${slotRoot}`];
    const variants = [[], [], ['--variable', 'failDeploy=true'], ['--branch', 'feature/notes']];
    for (const extra of variants) {
      const run = parseJsonRun(await runSluice(checkout.repository, [...base, ...extra], env));
      runs.push({ run, slots: readSlots() });
    }
  }, RUNS_HOOK_TIMEOUT_MS);

  afterAll(() => {
    if (checkout) rmSync(checkout.root, { recursive: true, force: true });
  });

  describe('first run on main', () => {
    it('succeeds through Build, Test and Deploy', () => {
      const { run } = runs[0]!;
      expect(run.process.timedOut).toBe(false);
      expect(run.process.exitCode, run.process.stderr).toBe(0);
      expect(run.summary.result).toBe('succeeded');
      expect(run.summary.stages.map((stage) => [stage.name, stage.result])).toEqual([
        ['Build', 'succeeded'],
        ['Test', 'succeeded'],
        ['Deploy', 'succeeded'],
      ]);
    });

    it('computes a stable version as output variables of the Build job', () => {
      const variables = buildVariables(runs[0]!.run);
      expect(variables['computeVersion.version']).toMatch(/^0\.4\.\d+$/);
      expect(variables['computeVersion.channel']).toBe('stable');
    });

    it.each(LEGS)('leg $leg reads the version through stageDependencies and tests that wheel', ({ leg, version }) => {
      const { run } = runs[0]!;
      const releaseVersion = buildVariables(run)['computeVersion.version']!;
      const job = findJob(findStage(run.summary, 'Test'), `Tests_${leg}`);

      expect(job.result).toBe('succeeded');
      expect(job.pythonVersion).toMatch(new RegExp(`^${version.replace('.', '\\.')}\\.\\d+$`));
      expect(job.variables?.releaseVersion).toBe(releaseVersion);
      const lines = stepLogLines(run.events, `Test.Tests_${leg}`, 'Run the tests against the wheel');
      // The import comes from the folder pip installed the downloaded wheel into, not from src/.
      const imported = lines.find((line) => line.startsWith('imported relcalc '));
      expect(imported).toMatch(new RegExp(`^imported relcalc ${releaseVersion.replace(/\./g, '\\.')} from .*/site-packages/relcalc$`));
      const download = stepLogLines(run.events, `Test.Tests_${leg}`, 'Download the wheel').join('\n');
      expect(download).toMatch(/Downloaded artifact 'wheel' .*1 file\(s\)/);
    });

    it.each(LEGS)('leg $leg misses the cache, fills the wheelhouse and saves it', ({ leg }) => {
      const job = findJob(findStage(runs[0]!.run.summary, 'Test'), `Tests_${leg}`);
      expect(job.variables?.WHEELHOUSE_RESTORED).toBe('false');
      expect(job.steps.find((step) => step.displayName === 'Fill the wheelhouse')?.result).toBe('succeeded');
      const saved = stepLogLines(runs[0]!.run.events, `Test.Tests_${leg}`, 'Post-job: Cache');
      expect(saved.some((line) => /^Saved .*wheelhouse as cache entry 'wheelhouse\|"Linux"\|"py/.test(line))).toBe(true);
    });

    it.each(LEGS)('leg $leg publishes its JUnit results', ({ leg, version }) => {
      const job = findJob(findStage(runs[0]!.run.summary, 'Test'), `Tests_${leg}`);
      expect(job.testResults).toEqual([
        expect.objectContaining({ title: `relcalc on Python ${version}`, format: 'JUnit', total: TEST_CASES, passed: TEST_CASES, failed: 0, skipped: 0 }),
      ]);
    });

    it('deploys the artifact to the environment and fills the current slot', () => {
      const { run, slots } = runs[0]!;
      const releaseVersion = buildVariables(run)['computeVersion.version']!;
      const job = findJob(findStage(run.summary, 'Deploy'), 'Release');

      expect(job.environment?.name).toBe('relcalc-local');
      expect(deployStep(job, 'Download artifacts').result).toBe('succeeded');
      expect(deployStep(job, 'Report the release').result).toBe('succeeded');
      expect(job.steps.some((step) => step.displayName.includes('Swap back'))).toBe(false);
      expect(allLogLines(run.events)).toContain(`smoke test: relcalc ${releaseVersion} 1.0.1`);
      expect(slots).toEqual({ current: releaseVersion });
    });
  });

  describe('second run on main', () => {
    it('restores the wheelhouse with an exact cache hit', () => {
      const { run } = runs[1]!;
      expect(run.process.exitCode, run.process.stderr).toBe(0);
      for (const { leg } of LEGS) {
        const job = findJob(findStage(run.summary, 'Test'), `Tests_${leg}`);
        expect(job.variables?.WHEELHOUSE_RESTORED, leg).toBe('true');
        expect(job.steps.find((step) => step.displayName === 'Fill the wheelhouse')?.result, leg).toBe('skipped');
        expect(job.steps.find((step) => step.displayName === 'Post-job: Cache')?.result, leg).toBe('skipped');
        expect(job.testResults?.[0]?.passed, leg).toBe(TEST_CASES);
      }
    });

    it('keeps the first release in the previous slot', () => {
      const first = buildVariables(runs[0]!.run)['computeVersion.version'];
      const second = buildVariables(runs[1]!.run)['computeVersion.version'];
      expect(second).not.toBe(first);
      expect(runs[1]!.slots).toEqual({ current: second, previous: first });
    });
  });

  describe('third run on main with a failing deploy', () => {
    it('fails the run in the Deploy stage', () => {
      const { run } = runs[2]!;
      expect(run.process.timedOut).toBe(false);
      expect(run.process.exitCode).toBe(1);
      expect(run.summary.result).toBe('failed');
      expect(findStage(run.summary, 'Test').result).toBe('succeeded');
      const job = findJob(findStage(run.summary, 'Deploy'), 'Release');
      expect(job.result).toBe('failed');
      expect(deployStep(job, 'Smoke test the current slot').result).toBe('failed');
    });

    it('runs the on.failure hook, which swaps the previous release back', () => {
      const { run, slots } = runs[2]!;
      const job = findJob(findStage(run.summary, 'Deploy'), 'Release');
      const second = buildVariables(runs[1]!.run)['computeVersion.version'];
      const third = buildVariables(run)['computeVersion.version'];

      expect(deployStep(job, 'Swap back to the previous release').result).toBe('succeeded');
      expect(job.steps.some((step) => step.displayName.includes('Report the release'))).toBe(false);
      expect(allLogLines(run.events)).toContain(`swapped back to release ${second}`);
      expect(slots).toEqual({ current: second, failed: third });
    });
  });

  describe('run on a feature branch', () => {
    it('builds a dev version and skips Deploy by the Build output', () => {
      const { run, slots } = runs[3]!;
      expect(run.process.exitCode, run.process.stderr).toBe(0);
      expect(run.summary.result).toBe('succeeded');
      expect(buildVariables(run)['computeVersion.channel']).toBe('dev');
      expect(buildVariables(run)['computeVersion.version']).toMatch(/^0\.4\.\d+\.dev0$/);
      expect(findStage(run.summary, 'Test').result).toBe('succeeded');

      const deploy = findStage(run.summary, 'Deploy');
      expect(deploy.result).toBe('skipped');
      expect(deploy.reason).toContain("dependencies.Build.outputs['Wheel.computeVersion.channel']");
      // The slots are as the failed deploy left them.
      expect(slots).toEqual(runs[2]!.slots);
    });
  });
});
