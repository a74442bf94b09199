import type { DownloadStep, StepDefinition } from '../../language/pipeline/pipeline-model.js';
import type { SourceLocation } from '../../language/source-location.js';

/**
 * Adds the automatic `download: current` that Azure runs at the start of a
 * deployment job's `deploy` hook. It is not added when the hook already has a
 * `download` step of its own, `download: none` included.
 * Source: learn.microsoft.com/azure/devops/pipelines/process/deployment-jobs ("Descriptions of lifecycle hooks": deploy).
 */
export function withAutomaticDownload(deploySteps: readonly StepDefinition[], location: SourceLocation): StepDefinition[] {
  if (deploySteps.some((step) => step.type === 'download')) return [...deploySteps];
  const download: DownloadStep = {
    type: 'download',
    source: 'current',
    displayName: 'Download artifacts',
    continueOnError: false,
    enabled: true,
    env: {},
    timeoutInMinutes: 0,
    retryCountOnTaskFailure: 0,
    location,
  };
  return [download, ...deploySteps];
}
