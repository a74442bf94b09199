import { collectTestResults } from '../test-results/collect-test-results.js';
import { RunnerErrorCode } from '../runner-error-codes.js';
import type { StepAttemptResult } from '../run-script-step.js';
import type { JobTestRunSummary } from '../job-request.js';
import type { TestRun } from '../test-results/test-result-model.js';
import { defaultWorkingDirectory, logTask, resolveTaskPath, type BuiltinTaskRun } from './builtin-task-run.js';
import { taskJobStateOf } from './task-job-state.js';

/** Turns a parsed run into the job outcome's summary; every text goes through `mask`. */
function summarizeRun(run: TestRun, mask: (text: string) => string): JobTestRunSummary {
  return {
    title: mask(run.title),
    format: run.format,
    ...run.summary,
    failedTests: run.tests
      .filter((test) => test.outcome === 'failed')
      .map((test) => ({ name: mask(test.className ? `${test.className}.${test.name}` : test.name), message: test.message === undefined ? undefined : mask(test.message) })),
  };
}

/**
 * PublishTestResults@2: reads JUnit, NUnit, VSTest (TRX) or xUnit files,
 * logs each run's counts and failed tests, and keeps the summaries for the
 * job outcome. Missing or unreadable files are warnings unless a failTask…
 * input makes them errors. Source: learn.microsoft.com/azure/devops/pipelines/tasks/reference/publish-test-results-v2
 */
export async function runPublishTestResults(run: BuiltinTaskRun): Promise<StepAttemptResult> {
  const { inputs, context, state } = run;
  const mask = (text: string): string => context.job.masker.mask(text);
  const collected = await collectTestResults({
    format: inputs.text(['testResultsFormat', 'testRunner'], 'JUnit'),
    testResultsFiles: inputs.text('testResultsFiles', '**/TEST-*.xml'),
    searchFolder: resolveTaskPath(context, inputs.text('searchFolder', defaultWorkingDirectory(context))),
    mergeTestResults: inputs.bool('mergeTestResults'),
    testRunTitle: inputs.text('testRunTitle') || undefined,
    runId: context.request.runId,
    failTaskOnFailedTests: inputs.bool('failTaskOnFailedTests'),
    failTaskOnFailureToPublishResults: inputs.bool('failTaskOnFailureToPublishResults'),
    failTaskOnMissingResultsFile: inputs.bool('failTaskOnMissingResultsFile'),
    maskSecrets: mask,
    signal: context.control.signal,
  });

  for (const diagnostic of collected.diagnostics) {
    if (diagnostic.severity === 'warning') {
      const where = diagnostic.location ? { sourcePath: diagnostic.location.file, line: diagnostic.location.line, column: diagnostic.location.column } : {};
      context.job.events.issue(state.recordId, 'warning', `${diagnostic.message}${diagnostic.hint ? `; ${diagnostic.hint}` : ''}`, { code: diagnostic.code, ...where });
    }
  }

  const summaries = collected.runs.map((testRun) => summarizeRun(testRun, mask));
  taskJobStateOf(context).testResults.push(...summaries);
  for (const summary of summaries) {
    logTask(run, `Test run '${summary.title}' (${summary.format}): ${summary.total} total, ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
    for (const failed of summary.failedTests) logTask(run, `  failed: ${failed.name}${failed.message ? `: ${failed.message}` : ''}`);
  }

  if (!collected.failed) return { result: 'succeeded' };
  const errors = collected.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
  const reason = errors.map((diagnostic) => `[${diagnostic.code}] ${diagnostic.message}${diagnostic.hint ? `; ${diagnostic.hint}` : ''}`).join('; ');
  return { result: 'failed', code: RunnerErrorCode.TestResultsFailed, reason };
}
