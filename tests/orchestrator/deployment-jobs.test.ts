import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { IssueEvent, LogEvent, RecordFinishedEvent, RunEvent } from '../../src/events/run-event.js';
import type { DeploymentStrategy, JobDefinition, StepDefinition } from '../../src/language/pipeline/pipeline-model.js';
import { LocalJobRunner } from '../../src/runner/local-job-runner.js';
import { createTempRepository } from '../helpers/temp-repository.js';
import { deps, job, jobsPipeline, located, script, variable } from '../plan/helpers/pipeline-builder.js';
import { jobOutcome, runDefinition } from './helpers/run-definition.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function options() {
  const repo = createTempRepository({ 'README.md': 'x\n' });
  const workRoot = mkdtempSync(join(tmpdir(), 'sluice-deploy-work-'));
  cleanups.push(repo.remove, () => rmSync(workRoot, { recursive: true, force: true }));
  return { source: { path: repo.path, inPlace: false }, workRoot };
}

function deployment(name: string, strategy: DeploymentStrategy, extra: Partial<JobDefinition> = {}): JobDefinition {
  return job(name, { kind: 'deployment', steps: [], strategy: { deployment: strategy, location: located('').location }, ...extra });
}

function hook(...steps: StepDefinition[]): { steps: StepDefinition[] } {
  return { steps };
}

function bash(text: string, name?: string): StepDefinition {
  return script(text, { type: 'bash', ...(name ? { name } : {}) });
}

function stepNames(events: RunEvent[], jobId: string): string[] {
  return events
    .filter((event): event is RecordFinishedEvent => event.type === 'record-finished' && event.record.parentId === jobId && event.record.type === 'step')
    .map((event) => `${event.record.displayName}=${event.result}`);
}

function lines(events: RunEvent[], prefix: string): string[] {
  return events.filter((event): event is LogEvent => event.type === 'log' && event.recordId.startsWith(prefix) && event.stream === 'stdout').map((event) => event.line);
}

describe('deployment jobs', () => {
  it('runs runOnce hooks in order and on.failure after a failure', async () => {
    const definition = jobsPipeline([
      deployment('Web', {
        kind: 'runOnce',
        hooks: {
          preDeploy: hook(bash('echo pre', 'pre')),
          deploy: hook(bash('echo "env=$(Environment.Name) strategy=$(strategy.name)"; ls "$(Build.SourcesDirectory)" | wc -l; exit 4', 'main')),
          routeTraffic: hook(bash('echo route', 'route')),
          'on.failure': hook(bash('echo rollback', 'rollback')),
          'on.success': hook(bash('echo notify', 'notify')),
        },
      }, { environment: { name: 'staging' } }),
    ]);

    const { outcome, events } = await runDefinition(definition, new LocalJobRunner(), options());

    const web = jobOutcome(outcome, 'Web');
    expect(web.result).toBe('failed');
    expect(web.environment).toEqual({ name: 'staging' });
    expect(web.variables['Environment.Name']).toBe('staging');
    expect(stepNames(events, web.recordId)).toEqual([
      'preDeploy: Bash=succeeded',
      'deploy: Download artifacts=succeeded',
      'deploy: Bash=failed',
      'on.failure: Bash=succeeded',
    ]);
    const output = lines(events, `${web.recordId}.`);
    expect(output).toContain('env=staging strategy=runOnce');
    expect(output).toContain('0');
    expect(output).toContain('rollback');
    expect(output).not.toContain('route');
    expect(output).not.toContain('notify');
  });

  it('names runOnce outputs after the job and the resource', async () => {
    const definition = jobsPipeline([
      deployment('A', { kind: 'runOnce', hooks: { deploy: hook(bash('echo "##vso[task.setvariable variable=v;isOutput=true]out"', 'setter')) } }, {
        environment: { name: 'prod', resourceName: 'vm1' },
      }),
      job('B', {
        dependsOn: deps('A'),
        variables: [variable('fromJob', "$[ dependencies.A.outputs['A.setter.v'] ]"), variable('fromResource', "$[ dependencies.A.outputs['Deploy_vm1.setter.v'] ]")],
        steps: [bash('echo "$(fromJob) $(fromResource)"')],
      }),
    ]);

    const { outcome, events } = await runDefinition(definition, new LocalJobRunner(), options());

    expect(jobOutcome(outcome, 'A').outputs).toEqual({ 'A.setter.v': 'out', 'Deploy_vm1.setter.v': 'out' });
    expect(lines(events, '__default.B.')).toContain('out out');
  });

  it('repeats canary hooks per increment with strategy variables', async () => {
    const definition = jobsPipeline([
      deployment('C', {
        kind: 'canary',
        increments: [10, 20],
        hooks: {
          preDeploy: hook(bash('echo "pre $(strategy.name)"')),
          deploy: hook(bash('echo "##vso[task.setvariable variable=p;isOutput=true]$(strategy.increment)"; echo "deploy $(strategy.increment) $(strategy.action)"', 'set')),
          'on.success': hook(bash('echo "done $(strategy.action)"')),
        },
      }),
    ]);

    const { outcome, events } = await runDefinition(definition, new LocalJobRunner(), options());

    const c = jobOutcome(outcome, 'C');
    expect(c.result).toBe('succeeded');
    expect(lines(events, `${c.recordId}.`).filter((line) => !line.startsWith('No artifacts'))).toEqual(['pre canary', 'deploy 10 deploy', 'deploy 20 deploy', 'done promote']);
    expect(c.outputs).toEqual({ 'deploy_10.set.p': '10', 'deploy_20.set.p': '20' });
  });

  it('explains an output reference that resolves empty', async () => {
    const definition = jobsPipeline([
      job('A', { steps: [bash('echo "##vso[task.setvariable variable=real;isOutput=true]1"', 'step1')] }),
      job('B', {
        dependsOn: deps('A'),
        variables: [
          variable('missingStep', "$[ dependencies.A.outputs['nostep.real'] ]"),
          variable('missingVar', "$[ dependencies.A.outputs['step1.other'] ]"),
        ],
        condition: located("eq(dependencies.Z.outputs['s.v'], '')"),
        steps: [bash('true')],
      }),
      job('Z', { steps: [bash('true')] }),
    ]);

    const { events } = await runDefinition(definition, new LocalJobRunner(), options());

    const warnings = events.filter((event): event is IssueEvent => event.type === 'issue' && event.recordId === '__default.B').map((event) => event.message);
    expect(warnings.some((message) => message.includes("job 'A' has no step named 'nostep'"))).toBe(true);
    expect(warnings.some((message) => message.includes("step 'step1' never set 'other'"))).toBe(true);
    expect(warnings.some((message) => message.includes("this job has no dependsOn on job 'Z'"))).toBe(true);
  });
});
