import type { SourceLocation } from '../language/source-location.js';
import type { StepDefinition } from '../language/pipeline/pipeline-model.js';
import type { TaskPackage } from './task-packages/task-definition.js';
import { BUILTIN_TASK_CATALOG } from './tasks/builtin-task-catalog.js';

/** A built-in task that the local runner can execute. */
export interface SupportedTask {
  name: string;
  /** Task GUID from the task's task.json, so `task: <guid>@2` resolves too. */
  id: string;
  majorVersions: number[];
}

/**
 * Tasks the runner executes. GUIDs are the `id` fields of each task.json in
 * microsoft/azure-pipelines-tasks (Tasks/CmdLineV2, BashV3, PowerShellV2, UsePythonVersionV0).
 */
export const SUPPORTED_TASKS: readonly SupportedTask[] = [
  { name: 'CmdLine', id: 'd9bafed4-0b18-4f58-968d-86655b4d2ce9', majorVersions: [2] },
  { name: 'Bash', id: '6c731c3c-3c68-459a-a5c9-bde6e6595b5b', majorVersions: [3] },
  { name: 'PowerShell', id: 'e213ff0f-5d5c-4791-802d-52ea3e7be1f1', majorVersions: [2] },
  { name: 'UsePythonVersion', id: '33c63b11-352b-45a2-ba1b-54cb568a29ca', majorVersions: [0] },
  ...BUILTIN_TASK_CATALOG,
];

/** A `task:` step that the runner cannot execute, with where it is written. */
export interface UnsupportedTask {
  /** The reference as written, e.g. `AzureWebApp@1`. */
  task: string;
  location: SourceLocation;
  /** Reason it is unsupported, in words for the user. */
  reason: string;
}

/**
 * Finds the registry entry for a task name or GUID (case-insensitive) and its
 * version. Name and major version are matched together, because two tasks can
 * share a GUID (Bash@3 and ShellScript@2, NodeTool@0 and UseNode@1).
 */
export function lookupTask(nameOrId: string, version: string): SupportedTask | undefined {
  const key = nameOrId.toLowerCase();
  const major = Number.parseInt(version.split('.')[0] ?? '', 10);
  return SUPPORTED_TASKS.find((task) => (task.name.toLowerCase() === key || task.id === key) && task.majorVersions.includes(major));
}

/**
 * Lists every step the local runner cannot execute, so the CLI can reject a run
 * before it starts instead of failing halfway. These are `task:` steps whose
 * task or major version is neither in SUPPORTED_TASKS nor in `taskPackages`,
 * and `download` steps from a pipeline resource (only `current` and `none` run locally).
 */
export function findUnsupportedTasks(steps: readonly StepDefinition[], taskPackages: readonly TaskPackage[] = []): UnsupportedTask[] {
  const unsupported: UnsupportedTask[] = [];
  for (const step of steps) {
    if (step.type === 'download' && !['none', 'current'].includes(step.source.toLowerCase())) {
      unsupported.push({ task: 'DownloadPipelineArtifact@2', location: step.location, reason: `artifacts of pipeline resource '${step.source}' are not available in local runs; only 'current' is` });
      continue;
    }
    if (step.type !== 'task') continue;
    if (lookupTask(step.task, step.version)) continue;
    const major = Number.parseInt(step.version.split('.')[0] ?? '', 10);
    const key = step.task.toLowerCase();
    if (taskPackages.some((task) => (task.definition.name.toLowerCase() === key || task.definition.id === key) && task.definition.version.major === major)) continue;

    const known = SUPPORTED_TASKS.find((task) => task.name.toLowerCase() === step.task.toLowerCase() || task.id === step.task.toLowerCase());
    const reason = known
      ? `version ${step.version} of ${known.name} is not supported; use ${known.name}@${known.majorVersions.join(' or @')}`
      : `task '${step.task}' is not available in Sluice; supported tasks: ${SUPPORTED_TASKS.map((task) => `${task.name}@${task.majorVersions.join('/')}`).join(', ')}`;
    unsupported.push({ task: `${step.task}@${step.version}`, location: step.location, reason });
  }
  return unsupported;
}
