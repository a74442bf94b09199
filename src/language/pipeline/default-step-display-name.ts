import type { StepDefinition } from './pipeline-model.js';

/**
 * Returns the name Azure shows for a step without `displayName`: the task name
 * for tasks, and the task behind each script shortcut (`script:` is CmdLine).
 */
export function defaultStepDisplayName(step: StepDefinition): string {
  switch (step.type) {
    case 'script':
      return 'CmdLine';
    case 'bash':
      return 'Bash';
    case 'pwsh':
    case 'powershell':
      return 'PowerShell';
    case 'task':
      return step.task;
    case 'checkout':
      return `Checkout ${step.repository}`;
    case 'download':
      return `Download ${step.artifact ?? step.source}`;
    case 'publish':
      return `Publish ${step.artifact ?? step.path}`;
  }
}
