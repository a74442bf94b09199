import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogEvent } from '../../../src/events/run-event.js';
import type { JobDefinition, StepDefinition } from '../../../src/language/pipeline/pipeline-model.js';
import { LocalJobRunner } from '../../../src/runner/local-job-runner.js';
import { createTempRepository } from '../../helpers/temp-repository.js';
import { deps, job, located, pipeline, script, stage } from '../../plan/helpers/pipeline-builder.js';
import { jobOutcome, runDefinition } from '../../orchestrator/helpers/run-definition.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function deployment(name: string, deploySteps: StepDefinition[]): JobDefinition {
  const location = located('').location;
  return job(name, {
    kind: 'deployment',
    steps: [],
    dependsOn: deps('Build'),
    strategy: { deployment: { kind: 'runOnce', hooks: { deploy: { steps: deploySteps } } }, location },
  });
}

describe('deployment jobs', () => {
  it('download the run artifacts in the deploy hook', async () => {
    const repo = createTempRepository({ 'README.md': 'x\n' });
    cleanups.push(repo.remove);
    const workRoot = mkdtempSync(join(tmpdir(), 'sluice-deploy-work-'));
    cleanups.push(() => rmSync(workRoot, { recursive: true, force: true }));
    const common = { continueOnError: false, enabled: true, env: {}, timeoutInMinutes: 0, retryCountOnTaskFailure: 0, location: located('').location };
    const none: StepDefinition = { type: 'download', source: 'none', ...common };
    const publish: StepDefinition = { type: 'publish', path: 'index.html', artifact: 'web', ...common };

    const definition = pipeline([
      stage('Main', [
        job('Build', { steps: [script('echo site > index.html', { type: 'bash' }), publish] }),
        deployment('Deploy', [script('ls "$(Pipeline.Workspace)/web"', { type: 'bash' })]),
        deployment('NoDownload', [none, script('ls "$(Pipeline.Workspace)/web" 2>/dev/null || echo "no artifacts"', { type: 'bash' })]),
      ]),
    ]);
    const { outcome, events } = await runDefinition(definition, new LocalJobRunner(), { source: { path: repo.path, inPlace: true }, workRoot });
    const lines = (prefix: string): string[] => events.filter((event): event is LogEvent => event.type === 'log' && event.recordId.startsWith(prefix) && event.stream !== 'system').map((event) => event.line);

    expect(jobOutcome(outcome, 'Build').reason).toBeUndefined();
    expect(jobOutcome(outcome, 'Build').result).toBe('succeeded');
    expect(jobOutcome(outcome, 'Deploy').result).toBe('succeeded');
    expect(lines('Main.Deploy.')).toContain('index.html');
    expect(lines('Main.NoDownload.')).toContain('no artifacts');
  });
});
