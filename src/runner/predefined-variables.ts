import { arch, hostname, platform } from 'node:os';
import { join } from 'node:path';
import type { JobRequest } from './job-request.js';
import type { JobWorkspace } from './workspace.js';

/** Agent.OS as Azure spells it (learn.microsoft.com …/build/variables). */
export function agentOperatingSystem(os: NodeJS.Platform = platform()): string {
  if (os === 'win32') return 'Windows_NT';
  if (os === 'darwin') return 'Darwin';
  return 'Linux';
}

/** Agent.OSArchitecture as Azure spells it: X86, X64, ARM or ARM64. */
export function agentArchitecture(cpu: string = arch()): string {
  const names: Record<string, string> = { x64: 'X64', ia32: 'X86', arm: 'ARM', arm64: 'ARM64' };
  return names[cpu] ?? cpu.toUpperCase();
}

/** Facts about the agent that runs the job, which the runner cannot find out itself. */
export interface AgentFacts {
  /** The agent's registered name (`sluice agent --name`); default the host name, as `sluice run` has no agent. */
  agentName?: string;
}

/** Location of the job's sources, decided by the checkout. */
export interface SourcesLocation {
  sourcesDirectory: string;
}

/**
 * Builds the agent-scoped predefined variables of a local job. Run-level values
 * (Build.SourceBranch, Build.BuildId, System.TeamProject, …) come in the request.
 * Agent.ToolsDirectory honours $AGENT_TOOLSDIRECTORY as hosted agents do.
 * System.JobAttempt keeps the value the request carries (a server sets it to
 * the run attempt, 2 and up on a re-run of failed jobs), else 1.
 */
export function buildPredefinedVariables(
  request: JobRequest,
  workspace: JobWorkspace,
  sources: SourcesLocation,
  environment: NodeJS.ProcessEnv = process.env,
  agent: AgentFacts = {},
): Record<string, string> {
  const machineName = hostname();
  return {
    'Agent.OS': agentOperatingSystem(),
    'Agent.OSArchitecture': agentArchitecture(),
    'Agent.JobName': request.agentJobName,
    'Agent.JobStatus': 'Succeeded',
    'Agent.TempDirectory': workspace.tempDirectory,
    'Agent.ToolsDirectory': environment.AGENT_TOOLSDIRECTORY || join(request.workRoot, '_tool'),
    'Agent.BuildDirectory': workspace.buildDirectory,
    'Agent.HomeDirectory': request.workRoot,
    'Agent.WorkFolder': request.workRoot,
    'Agent.Name': agent.agentName ?? machineName,
    'Agent.MachineName': machineName,
    'Agent.Id': '1',
    'Agent.IsSelfHosted': '1',
    'Pipeline.Workspace': workspace.buildDirectory,
    'Build.SourcesDirectory': sources.sourcesDirectory,
    'Build.Repository.LocalPath': sources.sourcesDirectory,
    'Build.ArtifactStagingDirectory': workspace.artifactStagingDirectory,
    'Build.StagingDirectory': workspace.artifactStagingDirectory,
    'Build.BinariesDirectory': workspace.binariesDirectory,
    'Common.TestResultsDirectory': workspace.testResultsDirectory,
    'System.DefaultWorkingDirectory': sources.sourcesDirectory,
    'System.ArtifactsDirectory': workspace.artifactStagingDirectory,
    'System.JobPositionInPhase': String(request.positionInPhase),
    'System.TotalJobsInPhase': String(request.totalJobsInPhase),
    'System.JobName': request.jobName,
    'System.JobDisplayName': request.record.displayName,
    'System.JobId': request.record.id,
    'System.PhaseName': request.jobName,
    'System.PhaseDisplayName': request.record.displayName,
    'System.StageName': request.stageName,
    'System.JobAttempt': requestedAttempt(request) ?? '1',
    'TF_BUILD': 'True',
  };
}

/** Returns the request's System.JobAttempt when it is a whole number from 1, finding the name ignoring case as variables do. */
function requestedAttempt(request: JobRequest): string | undefined {
  const entry = Object.entries(request.variables).find(([name]) => name.toLowerCase() === 'system.jobattempt');
  const value = entry?.[1].value.trim();
  return value !== undefined && /^[1-9]\d*$/.test(value) ? value : undefined;
}
