/** A built-in task implemented in src/runner/tasks/, as the task registry lists it. */
export interface BuiltinTaskEntry {
  name: string;
  /** The `id` of the task's task.json in microsoft/azure-pipelines-tasks, so `task: <guid>@N` resolves too. */
  id: string;
  majorVersions: number[];
}

/**
 * Tasks run by handlers in this folder. GUIDs come from each task.json in
 * microsoft/azure-pipelines-tasks (Tasks/<Name>V<N>/task.json). ShellScript@2
 * shares Bash@3's GUID and UseNode@1 shares NodeTool@0's, so a GUID alone does
 * not name a task: the major version decides.
 */
export const BUILTIN_TASK_CATALOG: readonly BuiltinTaskEntry[] = [
  { name: 'CopyFiles', id: '5bfb729a-a7c8-4a78-a7c3-8d717bb7c13c', majorVersions: [2] },
  { name: 'DeleteFiles', id: 'b7e8b412-0437-4065-9371-edc5881de25b', majorVersions: [1] },
  { name: 'ArchiveFiles', id: 'd8b84976-e99a-4b86-b885-4849694435b0', majorVersions: [2] },
  { name: 'ExtractFiles', id: '5e1e3830-fbfb-11e5-aab1-090c92bc4988', majorVersions: [1] },
  { name: 'NodeTool', id: '31c75bbb-bcdf-4706-8d7c-4da6a1959bc2', majorVersions: [0] },
  { name: 'UseNode', id: '31c75bbb-bcdf-4706-8d7c-4da6a1959bc2', majorVersions: [1] },
  { name: 'PythonScript', id: '6392f95f-7e76-4a18-b3c7-7f078d2f7700', majorVersions: [0] },
  { name: 'ShellScript', id: '6c731c3c-3c68-459a-a5c9-bde6e6595b5b', majorVersions: [2] },
  { name: 'PipAuthenticate', id: '5e3feff0-c5ae-11e8-a7d0-4bd3b8229800', majorVersions: [1] },
  { name: 'TwineAuthenticate', id: 'e4d58330-c771-11e8-8f8f-81fbb42e2824', majorVersions: [1] },
  { name: 'PublishTestResults', id: '0b0f01ed-7dde-43ff-9cbb-e48954daf9b1', majorVersions: [2] },
  { name: 'PublishCodeCoverageResults', id: '2a7ebc54-c13e-490e-81a5-d7561ab7cd97', majorVersions: [1, 2] },
  { name: 'PublishPipelineArtifact', id: 'ecdc45f6-832d-4ad9-b52b-ee49e94659be', majorVersions: [1] },
  { name: 'DownloadPipelineArtifact', id: '61f2a582-95ae-4948-b34d-a1b3c4f6a737', majorVersions: [2] },
  { name: 'PublishBuildArtifacts', id: '2ff763a7-ce83-4e1f-bc89-0ae63477cebe', majorVersions: [1] },
  { name: 'DownloadBuildArtifacts', id: 'a433f589-fce1-4460-9ee6-44a624aeb1fb', majorVersions: [0] },
  { name: 'Cache', id: 'd53ccab4-555e-4494-9d06-11db043fb4a9', majorVersions: [2] },
];

/** True when `name` (any case) is a task run by a handler in this folder. */
export function isBuiltinTaskName(name: string): boolean {
  return BUILTIN_TASK_CATALOG.some((entry) => entry.name.toLowerCase() === name.toLowerCase());
}
