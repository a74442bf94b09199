// JSON shapes of the Sluice HTTP API as the web UI reads them (docs/api.md).
// They are declared here, not imported from the server, because the UI is a
// separate build that depends only on the API.

export type TaskResult = 'succeeded' | 'succeededWithIssues' | 'failed' | 'canceled' | 'skipped';
export type RunStatus = 'queued' | 'inProgress' | 'cancelling' | 'completed';
export type RecordState = 'pending' | 'inProgress' | 'completed';
export type RecordType = 'stage' | 'job' | 'step';
export type LogFormat = 'group' | 'endgroup' | 'warning' | 'error' | 'section' | 'debug' | 'command';

/** The body of every error response. */
export interface ApiErrorBody {
  error: { code: string; message: string; hint?: string };
}

/** A pipeline: a repository and its YAML file. */
export interface Pipeline {
  id: number;
  name: string;
  repositoryUrl: string;
  yamlPath: string;
  defaultBranch: string;
  pollingIntervalSeconds?: number;
  createdAt: string;
  updatedAt: string;
}

/** A run as `GET /api/runs/:id` returns it; secret variable values read `***`. */
export interface Run {
  id: number;
  pipelineId: number;
  runNumber?: string;
  status: RunStatus;
  result?: TaskResult;
  reason?: string;
  trigger: { reason: string; branch: string; commit: string; pullRequestNumber?: number };
  parameters: Record<string, unknown>;
  variables: Record<string, { value: string; isSecret: boolean }>;
  requestedBy: string;
  queuedAt: string;
  startedAt?: string;
  finishedAt?: string;
}

/** An error or warning attached to a timeline record. */
export interface Issue {
  type: 'error' | 'warning';
  message: string;
  sourcePath?: string;
  line?: number;
  column?: number;
  code?: string;
  time: string;
}

/** A stage, job or step of a run's timeline (latest attempt). */
export interface TimelineRecord {
  id: string;
  parentId?: string;
  type: RecordType;
  name: string;
  displayName: string;
  state: RecordState;
  result?: TaskResult;
  reason?: string;
  startTime?: string;
  finishTime?: string;
  agentName?: string;
  attempt: number;
  issues: Issue[];
}

/** One stored log line, numbered from 1 within its record. */
export interface LogLine {
  lineNumber: number;
  stream: 'stdout' | 'stderr' | 'system';
  format?: LogFormat;
  text: string;
  time: string;
}

/** `GET /api/runs/:id/logs/:recordId`. */
export interface LogPage {
  recordId: string;
  lineCount: number;
  byteSize: number;
  lines: LogLine[];
}

/** Counts of one published test run, or of all of a run's test runs. */
export interface TestSummary {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
  durationMs: number;
}

/** `GET /api/runs/:id/test-results`. */
export interface TestResults {
  testRuns: Array<{ id: number; recordId?: string; title: string; format: string; summary: TestSummary; createdAt: string }>;
  totals: TestSummary;
}

/** A published pipeline artifact. */
export interface Artifact {
  runId: number;
  recordId?: string;
  name: string;
  sizeBytes: number;
  fileCount: number;
  createdAt: string;
}

/** An agent registered with the server. */
export interface Agent {
  id: number;
  name: string;
  pool: string;
  capabilities: Record<string, string>;
  version?: string;
  status: 'online' | 'offline' | 'disabled';
  registeredAt: string;
  lastHeartbeatAt?: string;
}

/** `GET /api/agents/:id`: the agent and the jobs it holds a lease on. */
export interface AgentDetails {
  agent: Agent;
  runningJobs: Array<{ id: number; runId: number; recordId: string; claimedAt?: string }>;
}
