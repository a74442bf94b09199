import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TEST_JOB_IMAGE, TEST_POSTGRES_IMAGE } from '../../helpers/docker-images.js';
import { parseJsonLines, runSluice } from '../../helpers/run-sluice.js';
import { createTempRepository, type TempRepository } from '../../helpers/temp-repository.js';
import { allContainerIds, requireDockerHost } from './container-test-environment.js';

interface SummaryStep {
  displayName: string;
  result: string;
  reason?: string;
}
interface Summary {
  type: 'summary';
  result: string;
  stages: Array<{ jobs: Array<{ result: string; reason?: string; steps: SummaryStep[] }> }>;
}

let host = '';
beforeAll(() => {
  host = requireDockerHost();
});

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!();
});

async function runPipeline(yaml: string): Promise<{ code: number | null; stderr: string; lines: string[]; summary: Summary }> {
  const repo: TempRepository = createTempRepository({ 'azure-pipelines.yml': yaml });
  const work = mkdtempSync(join(tmpdir(), 'sluice-container-work-'));
  cleanups.push(() => repo.remove(), () => rmSync(work, { recursive: true, force: true }));

  const result = await runSluice(['run', '--output', 'json', '--work-dir', work], { cwd: repo.path, env: { DOCKER_HOST: host } });
  const events = parseJsonLines(result.stdout);
  const lines = events.flatMap((event) => (event.type === 'log' && typeof event.line === 'string' ? [event.line] : []));
  return { code: result.code, stderr: result.stderr, lines, summary: events[events.length - 1] as unknown as Summary };
}

describe('sluice run with containers', () => {
  it('runs a container job with a service container', async () => {
    const yaml = [
      'resources:',
      '  containers:',
      '  - container: python',
      `    image: ${TEST_JOB_IMAGE}`,
      '  - container: postgres',
      `    image: ${TEST_POSTGRES_IMAGE}`,
      'container: python',
      'services:',
      '  db: postgres',
      'steps:',
      '- script: psql -h db -U postgres -tA -c "SELECT 40 + 2" | sed "s/^/answer=/"',
      '  displayName: Query the service',
      '- script: python3 -c "import sys; print(\'python=\' + sys.version.split()[0])"',
      '  displayName: Run Python in the container',
      '- script: echo "on-host"',
      '  target: host',
      '  displayName: Run on the host',
      '',
    ].join('\n');

    const { code, stderr, lines, summary } = await runPipeline(yaml);

    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(summary.result).toBe('succeeded');
    const job = summary.stages[0]!.jobs[0]!;
    expect(job.steps.map((step) => step.result)).toEqual(job.steps.map(() => 'succeeded'));
    expect(lines).toContain('answer=42');
    expect(lines.some((line) => /^python=3\.11\./.test(line))).toBe(true);
    expect(lines).toContain('on-host');

    const started = lines.flatMap((line) => /^Started container '[^']+': ([0-9a-f]{64})$/.exec(line)?.[1] ?? []);
    expect(started).toHaveLength(2);
    const remaining = allContainerIds(host);
    for (const id of started) expect(remaining).not.toContain(id);
  });

  it('rejects a service that names no container resource', async () => {
    const yaml = ['container: python:3.12', 'services:', '  db: postgres', 'steps:', '- script: echo never', ''].join('\n');

    const { code, stderr } = await runPipeline(yaml);

    expect(code).not.toBe(0);
    expect(stderr).toContain('PLAN014');
    expect(stderr).toContain("service 'db' of job 'Job' names container resource 'postgres'");
  });

  it('fails the job when the image is missing', async () => {
    const yaml = ['container: sluice-test/never-built:1', 'steps:', '- script: echo never', ''].join('\n');

    const { code, summary } = await runPipeline(yaml);

    expect(code).not.toBe(0);
    expect(summary.result).toBe('failed');
    const job = summary.stages[0]!.jobs[0]!;
    expect(job.reason).toContain('CTR003');
    expect(job.reason).toContain("'sluice-test/never-built:1'");
  });
});
