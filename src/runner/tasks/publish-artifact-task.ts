import { cp, mkdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { publishArtifact } from '../artifacts/publish-artifact.js';
import { RunnerErrorCode } from '../runner-error-codes.js';
import type { StepAttemptResult } from '../run-script-step.js';
import { artifactFailure, artifactStoreRoot } from './artifact-store-root.js';
import { logTask, resolveTaskPath, type BuiltinTaskRun } from './builtin-task-run.js';
import { TaskStepError } from './task-step-error.js';

/** Copies the content to `<share>/<artifact>`, the file-share variant of both publish tasks. */
async function publishToShare(run: BuiltinTaskRun, sourcePath: string, share: string, artifact: string): Promise<StepAttemptResult> {
  if (share === '') throw new TaskStepError(RunnerErrorCode.InvalidTaskInput, `${run.label}: a file share path is required when publishing to a file share`);
  const target = join(resolveTaskPath(run.context, share), artifact);
  const sourceStat = await stat(sourcePath).catch(() => undefined);
  if (!sourceStat) throw new TaskStepError(RunnerErrorCode.ArtifactStepFailed, `${run.label}: path to publish '${sourcePath}' does not exist`);
  await mkdir(target, { recursive: true });
  await cp(sourcePath, sourceStat.isDirectory() ? target : join(target, basename(sourcePath)), { recursive: true });
  logTask(run, `Copied ${sourcePath} to ${target}`);
  return { result: 'succeeded' };
}

async function publishToStore(run: BuiltinTaskRun, sourcePath: string, artifact: string): Promise<StepAttemptResult> {
  const storeRoot = artifactStoreRoot(run.context);
  logTask(run, `Publishing '${sourcePath}' as artifact '${artifact}'`);
  const manifest = await publishArtifact({ storeRoot, name: artifact, sourcePath, signal: run.context.control.signal }).catch((error: unknown) => artifactFailure(run.label, error));
  const files = manifest.entries.filter((entry) => entry.type === 'file').length;
  logTask(run, `Published artifact '${artifact}' with ${files} file(s) to ${storeRoot}`);
  return { result: 'succeeded' };
}

/**
 * PublishPipelineArtifact@1 and the `publish:` shortcut: stores a file or
 * folder as a named artifact of the run. Without a name the artifact is named
 * after the job, because Azure's default is an id unique to the job.
 * Source: learn.microsoft.com/azure/devops/pipelines/tasks/reference/publish-pipeline-artifact-v1
 */
export async function runPublishPipelineArtifact(run: BuiltinTaskRun): Promise<StepAttemptResult> {
  const { inputs, context } = run;
  const sourcePath = resolveTaskPath(context, inputs.required(['targetPath', 'path'], '$(Pipeline.Workspace)'));
  const artifact = inputs.text(['artifact', 'artifactName'], context.request.jobName);
  const location = inputs.choice(['publishLocation', 'artifactType'], ['pipeline', 'filepath'] as const, 'pipeline');
  if (location === 'filepath') return publishToShare(run, sourcePath, inputs.text('fileSharePath'), artifact);
  return publishToStore(run, sourcePath, artifact);
}

/**
 * PublishBuildArtifacts@1: stores PathtoPublish as artifact ArtifactName
 * (`drop` by default) in the same run store as pipeline artifacts, or copies it
 * to `TargetPath/<name>` for a FilePath location.
 * Source: learn.microsoft.com/azure/devops/pipelines/tasks/reference/publish-build-artifacts-v1
 */
export async function runPublishBuildArtifacts(run: BuiltinTaskRun): Promise<StepAttemptResult> {
  const { inputs, context } = run;
  const sourcePath = resolveTaskPath(context, inputs.required('PathtoPublish', '$(Build.ArtifactStagingDirectory)'));
  const artifact = inputs.required('ArtifactName', 'drop');
  const location = inputs.choice(['publishLocation', 'ArtifactType'], ['Container', 'FilePath'] as const, 'Container');
  if (location === 'FilePath') return publishToShare(run, sourcePath, inputs.text('TargetPath'), artifact);
  return publishToStore(run, sourcePath, artifact);
}
