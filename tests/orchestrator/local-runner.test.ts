import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogEvent } from '../../src/events/run-event.js';
import { LocalJobRunner } from '../../src/runner/local-job-runner.js';
import { createTempRepository, type TempRepository } from '../helpers/temp-repository.js';
import { deps, job, located, pipeline, script, stage } from '../plan/helpers/pipeline-builder.js';
import { jobOutcome, runDefinition } from './helpers/run-definition.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function repository(): TempRepository {
  const repo = createTempRepository({ 'README.md': 'test\n' });
  cleanups.push(repo.remove);
  return repo;
}

function workRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-orchestrator-work-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('orchestrator with the local runner', () => {
  it('passes outputs, a runtime matrix and results through real processes', async () => {
    const legs = `{'a':{'word':'alpha'},'b':{'word':'beta'}}`;
    const definition = pipeline([
      stage('Build', [
        job('Gen', {
          steps: [
            script(`echo "##vso[task.setvariable variable=legs;isOutput=true]${legs}"`, { type: 'bash', name: 'setter' }),
          ],
        }),
        job('Use', {
          dependsOn: deps('Gen'),
          strategy: { matrix: located("$[ dependencies.Gen.outputs['setter.legs'] ]"), location: located('').location },
          steps: [script('echo "word=$(word) position=$(System.JobPositionInPhase)/$(System.TotalJobsInPhase)"', { type: 'bash' })],
        }),
        job('Flaky', { continueOnError: true, steps: [script('exit 3', { type: 'bash' })] }),
      ]),
      stage('Report', [
        job('Final', {
          condition: located("eq(stageDependencies.Build.Gen.result, 'Succeeded')"),
          steps: [script('echo "branch=$(Build.SourceBranch)"', { type: 'bash' })],
        }),
      ]),
    ]);
    const repo = repository();

    const { outcome, events } = await runDefinition(definition, new LocalJobRunner(), {
      source: { path: repo.path, inPlace: true },
      workRoot: workRoot(),
    });
    const lines = (prefix: string) =>
      events
        .filter((event): event is LogEvent => event.type === 'log' && event.recordId.startsWith(prefix))
        .map((event) => event.line);

    expect(jobOutcome(outcome, 'Gen').outputs).toEqual({ 'setter.legs': legs });
    expect(lines('Build.Use_a.')).toContain('word=alpha position=1/2');
    expect(lines('Build.Use_b.')).toContain('word=beta position=2/2');
    expect(jobOutcome(outcome, 'Flaky').result).toBe('failed');
    expect(outcome.stages[0]!.result).toBe('succeededWithIssues');
    expect(lines('Report.Final.')).toContain('branch=refs/heads/main');
    expect(outcome.result).toBe('succeededWithIssues');
  });
});
