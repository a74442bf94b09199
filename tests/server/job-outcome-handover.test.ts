import { describe, expect, it } from 'vitest';
import type { StepDefinition } from '../../src/language/pipeline/pipeline-model.js';
import type { JobOutcome } from '../../src/runner/job-request.js';
import { JobQueueNotifier } from '../../src/server/job-queue-notifier.js';
import { publishesArtifacts } from '../../src/server/job-reports.js';

const outcome: JobOutcome = { result: 'succeeded', outputs: { 'build.version': '1.2' }, variables: {} };

const common = { continueOnError: false, enabled: true, env: {}, timeoutInMinutes: 0, retryCountOnTaskFailure: 0, location: { file: 'azure-pipelines.yml', line: 1, column: 1 } };

function task(name: string): StepDefinition {
  return { ...common, type: 'task', task: name, version: '1', inputs: {} };
}

describe('job outcome hand-over', () => {
  it('keeps an outcome only for an expected job', () => {
    const notifier = new JobQueueNotifier();
    notifier.handOverOutcome(1, outcome);
    expect(notifier.takeOutcome(1)).toBeUndefined();

    notifier.expectOutcome(2);
    expect(notifier.takeOutcome(2)).toBeUndefined();
    notifier.handOverOutcome(2, outcome);
    expect(notifier.takeOutcome(2)).toEqual(outcome);
    // Taken once: the entry is gone, so a later hand-over is dropped.
    notifier.handOverOutcome(2, outcome);
    expect(notifier.takeOutcome(2)).toBeUndefined();
  });

  it('forgets a job the executor stopped waiting for', () => {
    const notifier = new JobQueueNotifier();
    notifier.expectOutcome(3);
    expect(notifier.takeOutcome(3, true)).toBeUndefined();

    notifier.handOverOutcome(3, outcome);
    expect(notifier.takeOutcome(3)).toBeUndefined();
  });
});

describe('publishesArtifacts', () => {
  const cases: Array<[string, StepDefinition, boolean]> = [
    ['publish shortcut', { ...common, type: 'publish', path: 'out' }, true],
    ['PublishPipelineArtifact task', task('PublishPipelineArtifact'), true],
    ['task name in another case', task('publishbuildartifacts'), true],
    ['PublishPipelineArtifact GUID', task('ecdc45f6-832d-4ad9-b52b-ee49e94659be'), true],
    ['PublishBuildArtifacts GUID in upper case', task('2FF763A7-CE83-4E1F-BC89-0AE63477CEBE'), true],
    ['other task', task('CopyFiles'), false],
    ['script', { ...common, type: 'script', script: 'true', failOnStderr: false }, false],
    ['download', { ...common, type: 'download', source: 'current' }, false],
    ['checkout', { ...common, type: 'checkout', repository: 'self' }, false],
  ];
  it.each(cases)('%s', (_name, step, expected) => {
    expect(publishesArtifacts(step)).toBe(expected);
  });
});
