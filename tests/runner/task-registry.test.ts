import { describe, expect, it } from 'vitest';
import type { DownloadStep, PublishStep } from '../../src/language/pipeline/pipeline-model.js';
import { findUnsupportedTasks, lookupTask } from '../../src/runner/task-registry.js';
import { bash, taskStep } from './runner-test-helpers.js';

describe('findUnsupportedTasks', () => {
  it('lists unknown tasks and wrong major versions with locations', () => {
    const location = { file: 'azure-pipelines.yml', line: 12, column: 5 };
    const steps = [
      bash('echo hi'),
      taskStep('CmdLine', '2', { script: 'echo' }),
      taskStep('AzureWebApp', '1', {}, { location }),
      taskStep('Bash', '2', {}),
      taskStep('usepythonversion', '0.200.1', {}),
    ];
    const unsupported = findUnsupportedTasks(steps);
    expect(unsupported.map((entry) => entry.task)).toEqual(['AzureWebApp@1', 'Bash@2']);
    expect(unsupported[0]!.location).toEqual(location);
    expect(unsupported[0]!.reason).toContain('CmdLine@2');
    expect(unsupported[1]!.reason).toContain('Bash@3');
  });

  it('flags only downloads from pipeline resources', () => {
    const common = { continueOnError: false, enabled: true, env: {}, timeoutInMinutes: 0, retryCountOnTaskFailure: 0, location: { file: 'f', line: 1, column: 1 } };
    const publish: PublishStep = { type: 'publish', path: 'dist', ...common };
    const download: DownloadStep = { type: 'download', source: 'current', ...common };
    const none: DownloadStep = { type: 'download', source: 'none', ...common };
    const resource: DownloadStep = { type: 'download', source: 'upstream', ...common };
    const unsupported = findUnsupportedTasks([publish, download, none, resource]);
    expect(unsupported.map((entry) => entry.task)).toEqual(['DownloadPipelineArtifact@2']);
    expect(unsupported[0]!.reason).toContain("'upstream'");
  });
});

describe('lookupTask', () => {
  it('resolves a task by GUID', () => {
    expect(lookupTask('6C731C3C-3C68-459A-A5C9-BDE6E6595B5B', '3')?.name).toBe('Bash');
  });
});
