import type { Selectable } from 'kysely';
import type { TestResultsFormat, TestRunSummary } from '../runner/test-results/test-result-model.js';
import type { StoreDatabase } from './store-database.js';
import type { TestRunTable } from './store-schema.js';

/** The summary of one published test run (one PublishTestResults@2 call). */
export interface StoredTestRun {
  id: number;
  runId: number;
  recordId?: string;
  title: string;
  format: TestResultsFormat;
  summary: TestRunSummary;
  createdAt: string;
}

/** Summaries of the test runs a pipeline run published; test case details stay in files. */
export class TestResultRepository {
  constructor(private readonly store: StoreDatabase) {}

  /** Records the summary of one test run. */
  async record(input: { runId: number; recordId?: string; title: string; format: TestResultsFormat; summary: TestRunSummary }): Promise<StoredTestRun> {
    const row = await this.store.db
      .insertInto('test_runs')
      .values({
        run_id: input.runId,
        record_id: input.recordId ?? null,
        title: input.title,
        format: input.format,
        total: input.summary.total,
        passed: input.summary.passed,
        failed: input.summary.failed,
        skipped: input.summary.skipped,
        duration_ms: input.summary.durationMs,
        created_at: this.store.now(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toTestRun(row);
  }

  /** Lists a run's test runs in the order they were published. */
  async list(runId: number): Promise<StoredTestRun[]> {
    const rows = await this.store.db.selectFrom('test_runs').selectAll().where('run_id', '=', runId).orderBy('id').execute();
    return rows.map(toTestRun);
  }

  /** Adds up every test run of a pipeline run, as the run's Tests tab shows it; zeros when none was published. */
  async totals(runId: number): Promise<TestRunSummary> {
    const totals: TestRunSummary = { total: 0, passed: 0, failed: 0, skipped: 0, durationMs: 0 };
    for (const testRun of await this.list(runId)) {
      totals.total += testRun.summary.total;
      totals.passed += testRun.summary.passed;
      totals.failed += testRun.summary.failed;
      totals.skipped += testRun.summary.skipped;
      totals.durationMs += testRun.summary.durationMs;
    }
    return totals;
  }
}

function toTestRun(row: Selectable<TestRunTable>): StoredTestRun {
  const testRun: StoredTestRun = {
    id: row.id,
    runId: row.run_id,
    title: row.title,
    format: row.format as TestResultsFormat,
    summary: { total: row.total, passed: row.passed, failed: row.failed, skipped: row.skipped, durationMs: Number(row.duration_ms) },
    createdAt: row.created_at,
  };
  if (row.record_id !== null) testRun.recordId = row.record_id;
  return testRun;
}
