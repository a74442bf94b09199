import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { onlyJob, removeBadRunFolders, runBadPipeline } from './bad-pipeline-run.js';

let cacheHome = '';
afterEach(() => {
  removeBadRunFolders();
  if (cacheHome) rmSync(cacheHome, { recursive: true, force: true });
});

describe('a Cache@2 path outside the workspace', () => {
  it('fails each such step with CCH001 and saves nothing', async () => {
    cacheHome = mkdtempSync(join(tmpdir(), 'sluice-bad-cache-home-'));
    const yaml = [
      'steps:',
      '- task: Cache@2',
      '  displayName: Cache above the workspace',
      '  inputs:',
      "    key: 'pip | \"v1\"'",
      '    path: $(Pipeline.Workspace)/../../outside-cache',
      '- task: Cache@2',
      '  displayName: Cache an absolute path',
      '  condition: always()',
      '  inputs:',
      "    key: 'pip | \"v2\"'",
      '    path: /etc',
      '',
    ].join('\n');

    const run = await runBadPipeline({ 'azure-pipelines.yml': yaml }, [], { XDG_CACHE_HOME: cacheHome });

    expect(run.code).toBe(1);
    expect(run.summary?.result).toBe('failed');
    const job = onlyJob(run);
    const workspace = job.variables?.['Pipeline.Workspace'] ?? '';
    expect(job.steps.filter((step) => step.displayName.startsWith('Cache ')).map((step) => step.result)).toEqual(['failed', 'failed']);
    expect(job.reason).toContain("step 'Cache above the workspace' failed: Cache@2: CCH001: cache path");
    expect(job.reason).toContain(`which is not inside the workspace '${workspace}'`);
    expect(job.reason).toContain('cache a folder inside $(Pipeline.Workspace)');
    const issues = run.events.filter((event) => event.type === 'issue').map((event) => String(event.message));
    expect(issues.some((message) => message.includes("CCH001: cache path '/etc' resolves to '/etc'"))).toBe(true);
    // A failed step adds no post-job save, so the store stays empty.
    expect(job.steps.some((step) => step.displayName === 'Post-job: Cache')).toBe(false);
    expect(existsSync(join(cacheHome, 'sluice', 'pipeline-cache', 'entries'))).toBe(false);
  });
});
