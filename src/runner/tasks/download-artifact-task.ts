import { join } from 'node:path';
import { downloadArtifact } from '../artifacts/download-artifact.js';
import { listArtifacts } from '../artifacts/list-artifacts.js';
import { RunnerErrorCode } from '../runner-error-codes.js';
import type { StepAttemptResult } from '../run-script-step.js';
import { artifactFailure, artifactStoreRoot } from './artifact-store-root.js';
import { logTask, resolveTaskPath, setTaskOutput, type BuiltinTaskRun } from './builtin-task-run.js';
import { emptyFolder } from './copy-files-task.js';
import { TaskStepError } from './task-step-error.js';

/** Downloads one artifact, or all of them into subfolders named after each, and logs the counts. */
async function download(
  run: BuiltinTaskRun,
  name: string | undefined,
  targetPath: string,
  patterns: (artifact: string) => string | undefined,
  subfolderAlways: boolean,
): Promise<StepAttemptResult> {
  const storeRoot = artifactStoreRoot(run.context);
  // Both download tasks declare the output BuildNumber, which contains the id of the run the artifacts came from.
  setTaskOutput(run, 'BuildNumber', run.context.job.variables.value('Build.BuildId') ?? '');
  const names = name ? [name] : (await listArtifacts(storeRoot).catch((error: unknown) => artifactFailure(run.label, error))).map((item) => item.name);
  if (names.length === 0) {
    logTask(run, `No artifacts were published in this run before this step; nothing to download`);
    return { result: 'succeeded' };
  }
  for (const artifact of names) {
    const target = name && !subfolderAlways ? targetPath : join(targetPath, artifact);
    const selection = patterns(artifact);
    if (selection === undefined) {
      logTask(run, `Skipped artifact '${artifact}': no item pattern selects files in it`);
      continue;
    }
    const result = await downloadArtifact({ storeRoot, name: artifact, targetPath: target, patterns: selection, signal: run.context.control.signal }).catch((error: unknown) =>
      artifactFailure(run.label, error),
    );
    logTask(run, `Downloaded artifact '${artifact}' to ${target}: ${result.files} file(s), ${result.bytes} bytes`);
  }
  return { result: 'succeeded' };
}

/** Rejects downloads from other runs, which need a server. */
function requireCurrentRun(run: BuiltinTaskRun, source: string): void {
  if (source.toLowerCase() === 'current') return;
  throw new TaskStepError(RunnerErrorCode.UnsupportedStep, `${run.label}: artifacts of other pipeline runs ('${source}') are not available in local runs; download from the current run`);
}

/**
 * DownloadPipelineArtifact@2 and the `download:` shortcut: writes the current
 * run's artifact into targetPath, or with no artifact name every artifact into
 * `targetPath/<name>`. Source: learn.microsoft.com/azure/devops/pipelines/tasks/reference/download-pipeline-artifact-v2
 */
export async function runDownloadPipelineArtifact(run: BuiltinTaskRun): Promise<StepAttemptResult> {
  const { inputs, context } = run;
  requireCurrentRun(run, inputs.text(['buildType', 'source'], 'current'));
  const name = inputs.text(['artifactName', 'artifact']) || undefined;
  const patterns = inputs.text(['itemPattern', 'patterns'], '**');
  const targetPath = resolveTaskPath(context, inputs.required(['targetPath', 'path', 'downloadPath'], '$(Pipeline.Workspace)'));
  return download(run, name, targetPath, () => patterns, false);
}

/**
 * DownloadBuildArtifacts@0: writes artifacts into `downloadPath/<name>`.
 * itemPattern paths start with the artifact name (`drop/**`), as for build
 * artifacts in Azure. Source: learn.microsoft.com/azure/devops/pipelines/tasks/reference/download-build-artifacts-v0
 */
export async function runDownloadBuildArtifacts(run: BuiltinTaskRun): Promise<StepAttemptResult> {
  const { inputs, context } = run;
  requireCurrentRun(run, inputs.text('buildType', 'current'));
  const downloadType = inputs.choice('downloadType', ['single', 'specific'] as const, 'single');
  const name = downloadType === 'single' ? inputs.required('artifactName') : undefined;
  const itemPattern = inputs.text('itemPattern', '**');
  const downloadPath = resolveTaskPath(context, inputs.required('downloadPath', '$(System.ArtifactsDirectory)'));
  if (inputs.bool('cleanDestinationFolder')) await emptyFolder(downloadPath);

  // Patterns name files as `<artifact>/<path>`. Each line is cut to the part inside one artifact;
  // a line for another artifact is dropped, and `**…` lines apply to every artifact.
  const patternsFor = (artifact: string): string | undefined => {
    const lines: string[] = [];
    for (const line of itemPattern.split(/\r?\n/).map((item) => item.trim()).filter((item) => item !== '')) {
      const negation = /^!*/.exec(line)?.[0] ?? '';
      const body = line.slice(negation.length);
      if (body.toLowerCase().startsWith(`${artifact.toLowerCase()}/`)) lines.push(negation + body.slice(artifact.length + 1));
      else if (body.startsWith('**')) lines.push(line);
    }
    return lines.some((line) => !line.startsWith('!')) ? lines.join('\n') : undefined;
  };
  return download(run, name, downloadPath, patternsFor, true);
}
