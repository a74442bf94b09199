import { readCoverageFile } from '../coverage/read-coverage-file.js';
import { findMatchingFiles } from '../test-results/find-matching-files.js';
import { RunnerErrorCode } from '../runner-error-codes.js';
import type { StepAttemptResult } from '../run-script-step.js';
import { defaultWorkingDirectory, logTask, warnTask, type BuiltinTaskRun } from './builtin-task-run.js';
import { taskJobStateOf } from './task-job-state.js';

/**
 * PublishCodeCoverageResults@1 and @2: reads the Cobertura or JaCoCo reports
 * that summaryFileLocation (minimatch lines) selects and keeps their line and
 * branch totals for the job outcome. No usable report is a warning, or a
 * failure with failIfCoverageEmpty. @1's codeCoverageTool is checked against
 * the detected format with a warning, because the report's root element decides.
 * HTML reports (reportDirectory) are not produced.
 * Source: learn.microsoft.com/azure/devops/pipelines/tasks/reference/publish-code-coverage-results-v1, -v2
 */
export async function runPublishCodeCoverage(run: BuiltinTaskRun): Promise<StepAttemptResult> {
  const { inputs, context, label } = run;
  const isVersion1 = label.endsWith('@1');
  const patterns = inputs.required('summaryFileLocation');
  const expectedTool = isVersion1 ? inputs.choice('codeCoverageTool', ['Cobertura', 'JaCoCo'] as const, 'JaCoCo') : undefined;
  const failIfEmpty = inputs.bool('failIfCoverageEmpty');

  const files = await findMatchingFiles(patterns, { searchFolder: defaultWorkingDirectory(context), signal: context.control.signal });
  let published = 0;
  for (const file of files) {
    const read = await readCoverageFile(file);
    if (read.problem) {
      warnTask(run, `${read.problem.message}; ${read.problem.hint ?? ''}`.trim(), read.problem.code);
      continue;
    }
    const summary = read.summary;
    if (expectedTool && expectedTool !== summary.format) warnTask(run, `${label}: codeCoverageTool is ${expectedTool} but '${file}' is a ${summary.format} report; it is read as ${summary.format}`);
    taskJobStateOf(context).coverage.push({ format: summary.format, file, lines: summary.lines, branches: summary.branches });
    logTask(run, `${summary.format} coverage from ${file}: lines ${summary.lines.covered}/${summary.lines.total} (${summary.lines.percent}%), branches ${summary.branches.covered}/${summary.branches.total} (${summary.branches.percent}%)`);
    published += 1;
  }
  if (inputs.text('reportDirectory') || inputs.text('additionalCodeCoverageFiles')) warnTask(run, `${label}: reportDirectory and additionalCodeCoverageFiles are ignored by the local runner`);

  if (published > 0) return { result: 'succeeded' };
  const message = `${label}: no readable coverage report matched '${patterns.replace(/\r?\n/g, ', ')}' under ${defaultWorkingDirectory(context)}`;
  if (failIfEmpty) return { result: 'failed', code: RunnerErrorCode.CoverageFailed, reason: `${message}; check summaryFileLocation, or set failIfCoverageEmpty: false` };
  warnTask(run, message, RunnerErrorCode.CoverageFailed);
  return { result: 'succeeded' };
}
