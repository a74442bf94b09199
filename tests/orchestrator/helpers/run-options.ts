import type { EventSink } from '../../../src/events/run-event.js';
import type { RunOptions } from '../../../src/orchestrator/run-pipeline.js';
import type { JobExecutor } from '../../../src/runner/job-request.js';

/** RunOptions with test defaults; `overrides` replace any field. */
export function runOptions(executor: JobExecutor, sink: EventSink, overrides: Partial<RunOptions> = {}): RunOptions {
  return {
    runId: 'run-1',
    executor,
    sink,
    signal: new AbortController().signal,
    maxParallelJobs: 4,
    runVariables: {
      'Build.SourceBranch': { value: 'refs/heads/main', isSecret: false, readonly: true },
    },
    queueVariables: {},
    source: { path: '/nonexistent/source', inPlace: true },
    workRoot: '/nonexistent/work',
    ...overrides,
  };
}
