import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { onlyJob, removeBadRunFolders, runBadPipeline } from './bad-pipeline-run.js';

afterEach(() => removeBadRunFolders());

describe('an artifact name with ..', () => {
  it('fails the publish and download steps with ART001 and writes nothing outside the store', async () => {
    const yaml = [
      'steps:',
      '- bash: mkdir -p out && echo payload > out/a.txt',
      '  displayName: Make output',
      '- publish: out',
      '  artifact: ../escape',
      '  displayName: Publish with a bad name',
      '- task: DownloadPipelineArtifact@2',
      '  displayName: Download with a bad name',
      '  condition: always()',
      '  inputs:',
      "    artifact: 'a/../../b'",
      '    path: $(Pipeline.Workspace)/downloaded',
      '',
    ].join('\n');

    const run = await runBadPipeline({ 'azure-pipelines.yml': yaml });

    expect(run.code).toBe(1);
    expect(run.summary?.result).toBe('failed');
    const job = onlyJob(run);
    const publish = job.steps.find((step) => step.displayName === 'Publish with a bad name');
    const download = job.steps.find((step) => step.displayName === 'Download with a bad name');
    expect(publish?.result).toBe('failed');
    expect(download?.result).toBe('failed');
    expect(job.reason).toContain("step 'Publish with a bad name' failed");
    expect(job.reason).toContain('ART001: artifact name "../escape" is invalid: it contains \'..\'');
    const downloadText = JSON.stringify(run.events.filter((event) => event.type === 'issue' || event.type === 'record-finished'));
    expect(downloadText).toContain('ART001: artifact name \\"a/../../b\\" is invalid');
    // The fix is part of the message: which names are allowed.
    expect(job.reason).toContain('use a short name of letters, digits');

    // Nothing named after the bad artifact exists next to the run's artifact store.
    const workspace = job.variables?.['Pipeline.Workspace'] ?? '';
    expect(workspace).not.toBe('');
    expect(existsSync(join(workspace, 'escape'))).toBe(false);
    expect(existsSync(join(workspace, '..', 'escape'))).toBe(false);
    expect(existsSync(join(workspace, '..', 'escape.json'))).toBe(false);
  });
});
