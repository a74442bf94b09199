// Predefined variables, from learn.microsoft.com/azure/devops/pipelines/build/variables
// ("Use predefined variables") and, for Agent.Version, Agent.IsSelfHosted and
// Agent.OSVersion, the constants of microsoft/azure-pipelines-agent.

/** Names of the predefined variables that Azure Pipelines and the agent set, as documented. */
export const PREDEFINED_VARIABLE_NAMES: readonly string[] = [
  // Agent, pipeline and workspace
  'Agent.BuildDirectory',
  'Agent.ContainerMapping',
  'Agent.HomeDirectory',
  'Agent.Id',
  'Agent.IsSelfHosted',
  'Agent.JobName',
  'Agent.JobStatus',
  'Agent.MachineName',
  'Agent.Name',
  'Agent.OS',
  'Agent.OSArchitecture',
  'Agent.OSVersion',
  'Agent.TempDirectory',
  'Agent.ToolsDirectory',
  'Agent.Version',
  'Agent.WorkFolder',
  'Pipeline.Workspace',
  // Build and source
  'Build.ArtifactStagingDirectory',
  'Build.BinariesDirectory',
  'Build.BuildId',
  'Build.BuildNumber',
  'Build.BuildUri',
  'Build.ContainerId',
  'Build.CronSchedule.DisplayName',
  'Build.DefinitionName',
  'Build.DefinitionVersion',
  'Build.QueuedBy',
  'Build.QueuedById',
  'Build.Reason',
  'Build.Repository.Clean',
  'Build.Repository.ID',
  'Build.Repository.LocalPath',
  'Build.Repository.Name',
  'Build.Repository.Provider',
  'Build.Repository.Uri',
  'Build.RequestedFor',
  'Build.RequestedForEmail',
  'Build.RequestedForId',
  'Build.SourceBranch',
  'Build.SourceBranchName',
  'Build.SourcesDirectory',
  'Build.SourceVersion',
  'Build.SourceVersionMessage',
  'Build.StagingDirectory',
  'Build.StageRequestedBy',
  'Build.StageRequestedForId',
  'Build.TriggeredBy.BuildId',
  'Build.TriggeredBy.BuildNumber',
  'Build.TriggeredBy.DefinitionId',
  'Build.TriggeredBy.DefinitionName',
  'Build.TriggeredBy.ProjectID',
  'Common.TestResultsDirectory',
  'TF_BUILD',
  // System
  'System.AccessToken',
  'System.ArtifactsDirectory',
  'System.CollectionId',
  'System.CollectionUri',
  'System.Debug',
  'System.DefaultWorkingDirectory',
  'System.DefinitionId',
  'System.DefinitionName',
  'System.HostType',
  'System.JobAttempt',
  'System.JobDisplayName',
  'System.JobId',
  'System.JobName',
  'System.JobPositionInPhase',
  'System.OidcRequestUri',
  'System.PhaseAttempt',
  'System.PhaseDisplayName',
  'System.PhaseName',
  'System.PipelineStartTime',
  'System.PlanId',
  'System.PullRequest.IsFork',
  'System.PullRequest.PullRequestId',
  'System.PullRequest.PullRequestNumber',
  'System.PullRequest.SourceBranch',
  'System.PullRequest.SourceCommitId',
  'System.PullRequest.SourceRepositoryUri',
  'System.PullRequest.TargetBranch',
  'System.PullRequest.targetBranchName',
  'System.StageAttempt',
  'System.StageDisplayName',
  'System.StageName',
  'System.TeamFoundationCollectionUri',
  'System.TeamProject',
  'System.TeamProjectId',
  'System.TimelineId',
  'System.TotalJobsInPhase',
  // Deployment jobs, checks and resources
  'Checks.StageAttempt',
  'Environment.Id',
  'Environment.Name',
  'Environment.ResourceId',
  'Environment.ResourceName',
  'Resources.TriggeringAlias',
  'Resources.TriggeringCategory',
  'Strategy.CycleName',
  'Strategy.Name',
  'strategy.action',
  'strategy.increment',
];

/**
 * Name prefixes under which Azure sets variables per resource, such as
 * `resources.pipeline.<alias>.runID` (YAML schema reference: resources.pipelines.pipeline).
 */
export const PREDEFINED_VARIABLE_PREFIXES: readonly string[] = ['resources.pipeline.', 'resources.repositories.', 'resources.container.'];

/**
 * Predefined variables that a pipeline may set itself. `System.Debug` is the
 * documented switch for verbose logs; every other predefined variable is read-only
 * (learn.microsoft.com/azure/devops/pipelines/process/variables, "System variables").
 */
export const USER_SETTABLE_PREDEFINED_NAMES: readonly string[] = ['System.Debug'];

const NAME_INDEX = new Map(PREDEFINED_VARIABLE_NAMES.map((name) => [name.toLowerCase(), name]));

/** Returns the documented spelling of a predefined variable, matching case-insensitively, or undefined. */
export function findPredefinedVariable(name: string): string | undefined {
  const key = name.toLowerCase();
  const exact = NAME_INDEX.get(key);
  if (exact) return exact;
  return PREDEFINED_VARIABLE_PREFIXES.some((prefix) => key.startsWith(prefix)) ? name : undefined;
}

/** Tells whether a pipeline may override the predefined variable `name` (case-insensitive). */
export function isUserSettablePredefined(name: string): boolean {
  return USER_SETTABLE_PREDEFINED_NAMES.some((settable) => settable.toLowerCase() === name.toLowerCase());
}
