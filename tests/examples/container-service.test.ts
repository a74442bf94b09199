import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TEST_JOB_IMAGE, TEST_POSTGRES_IMAGE } from '../helpers/docker-images.js';
import { allContainerIds, requireDockerHost } from '../runner/containers/container-test-environment.js';
import { findJob, findStage, parseJsonRun, stepLogLines, type JsonRun } from './json-run.js';
import { REPO_ROOT, createExampleCheckout, runSluice, type ExampleCheckout } from './sluice-process.js';

const EXAMPLE_DIR = join(REPO_ROOT, 'examples', 'container-service');

// Four data rows in data/items.csv: 120 + 300 + 75 + 5.
const ROWS = 4;
const TOTAL_QUANTITY = 500;

// The container job's record id: a pipeline of jobs only has one implicit stage.
const INVENTORY_JOB_ID = '__default.Inventory';

describe('container-service example', () => {
  let checkout: ExampleCheckout | undefined;
  let host = '';
  let run: JsonRun;

  beforeAll(async () => {
    // Throws the private dockerd's failure, so this test fails instead of skipping.
    host = requireDockerHost();
    checkout = createExampleCheckout(EXAMPLE_DIR);
    const args = [
      'run',
      '--output',
      'json',
      '--work-dir',
      checkout.workDir,
      '--parameter',
      `jobImage=${TEST_JOB_IMAGE}`,
      '--parameter',
      `databaseImage=${TEST_POSTGRES_IMAGE}`,
    ];
    run = parseJsonRun(await runSluice(checkout.repository, args, { DOCKER_HOST: host }));
  }, 300_000);

  afterAll(() => {
    if (checkout) rmSync(checkout.root, { recursive: true, force: true });
  });

  it('succeeds with both jobs', () => {
    expect(run.process.timedOut).toBe(false);
    expect(run.process.exitCode, run.process.stderr).toBe(0);
    expect(run.summary.result).toBe('succeeded');
    const stage = run.summary.stages[0]!;
    expect(stage.jobs.map((job) => [job.name, job.result])).toEqual([
      ['Inventory', 'succeeded'],
      ['Summary', 'succeeded'],
    ]);
  });

  it('loads the CSV into the service database', () => {
    const lines = stepLogLines(run.events, INVENTORY_JOB_ID, 'Load the CSV into the database');
    expect(lines).toContain(`loaded ${ROWS} rows into items on db`);
  });

  it('queries the database by the service alias', () => {
    const report = stepLogLines(run.events, INVENTORY_JOB_ID, 'Report on the inventory');
    expect(report).toContain(`total quantity=${TOTAL_QUANTITY}`);
    expect(report).toContain('below 100: B-310,C-400');
    expect(stepLogLines(run.events, INVENTORY_JOB_ID, 'Count the rows by the service alias')).toContain(`rows in items: ${ROWS}`);
  });

  it('runs the steps with the Python of the job image, not the host', () => {
    // The job image is Debian bookworm, whose python3 is 3.11.
    const lines = stepLogLines(run.events, INVENTORY_JOB_ID, "Show the container's Python");
    expect(lines.some((line) => /^python in the job container is 3\.11\.\d+$/.test(line))).toBe(true);
  });

  it('passes the report total to the host job as an output variable', () => {
    const job = findJob(findStage(run.summary, run.summary.stages[0]!.name), 'Summary');
    expect(job.variables?.totalQuantity).toBe(String(TOTAL_QUANTITY));
    expect(stepLogLines(run.events, '__default.Summary', 'Read the output variable')).toContain(
      `inventory total from the container job: ${TOTAL_QUANTITY}`,
    );
  });

  it('removes the job and service containers afterwards', () => {
    const started = run.events.flatMap((event) =>
      event.type === 'log' ? (/^Started container '[^']+': ([0-9a-f]{64})$/.exec(event.line)?.[1] ?? []) : [],
    );
    expect(started).toHaveLength(2);
    const remaining = allContainerIds(host);
    for (const id of started) expect(remaining).not.toContain(id);
  });
});
