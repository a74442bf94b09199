import type { RunEvent } from '../events/run-event.js';
import type { JobOutcome } from '../runner/job-request.js';
import { listArtifacts } from '../runner/artifacts/list-artifacts.js';
import type { StepDefinition } from '../language/pipeline/pipeline-model.js';
import { BUILTIN_TASK_CATALOG } from '../runner/tasks/builtin-task-catalog.js';
import type { TestResultsFormat } from '../runner/test-results/test-result-model.js';
import type { Agent } from '../store/agent-repository.js';
import { jobArtifactRoot } from '../store/artifact-repository.js';
import type { QueuedJob } from '../store/job-queue.js';
import type { Store } from '../store/open-store.js';
import { recordRunEvent } from '../store/record-run-event.js';
import { isStoreError } from '../store/store-error.js';
import { StoreErrorCode } from '../store/store-error-codes.js';
import { notifierOf } from './job-queue-notifier.js';
import type { LiveEvents } from './live-events.js';
import type { SecretBox } from '../store/secret-box.js';
import { openJobPayload, readJobPayload, type RemoteJobPayload } from './remote-job-payload.js';
import type { ServerLogger } from './server-logger.js';
import type { ServerMetrics } from './server-metrics.js';

/** Services that job reports need; the built-in local agent and the agent routes share them. */
export interface JobReportContext {
  store: Store;
  live: LiveEvents;
  metrics: ServerMetrics;
  logger: ServerLogger;
  /** The server key's SecretBox: decrypts the secret variables of a claimed job. */
  secrets: SecretBox;
}

/** A job an agent holds, with its decoded payload (secret variable values in clear: send it only to the agent). */
export interface ClaimedJob {
  job: QueuedJob;
  payload: RemoteJobPayload;
}

const TEST_RESULT_FORMATS: ReadonlySet<string> = new Set<TestResultsFormat>(['JUnit', 'NUnit', 'VSTest', 'XUnit']);

/** Built-in tasks that write to the run's artifact store, by lower-case name and by task GUID. */
const ARTIFACT_PUBLISHING_TASKS: ReadonlySet<string> = new Set(
  BUILTIN_TASK_CATALOG.filter((entry) => entry.name === 'PublishPipelineArtifact' || entry.name === 'PublishBuildArtifacts').flatMap((entry) => [
    entry.name.toLowerCase(),
    entry.id,
  ]),
);

/**
 * Hands the oldest matching job of `pools` to `agent` with a lease of
 * `leaseSeconds`, and records the agent on the job's timeline record.
 * Returns undefined when no job is waiting.
 */
export async function claimJob(context: JobReportContext, agent: Agent, pools: readonly string[], leaseSeconds: number): Promise<ClaimedJob | undefined> {
  const job = await context.store.jobs.claimNextJob({ agentId: agent.id, pools, capabilities: agent.capabilities, leaseSeconds });
  if (job === undefined) return undefined;

  const payload = openJobPayload(readJobPayload(job), context.secrets);
  // NOTE: a job claimed again after a lost lease appends to the step logs of the lost attempt, because the log store cannot clear a record's log.

  if (job.claimedAt !== undefined) context.metrics.observeJobWait(secondsBetween(job.queuedAt, job.claimedAt));
  await context.store.timeline.applyEvent(
    job.runId,
    { type: 'record-started', record: payload.request.record, time: new Date().toISOString() },
    { attempt: payload.runAttempt, agentName: agent.name },
  );
  context.logger.info({ runId: job.runId, jobId: job.id, recordId: job.recordId, agent: agent.name, attempt: job.attempts }, 'job claimed');
  return { job, payload };
}

/**
 * Stores events an agent reported for its job (timeline, logs, variables)
 * under the job's run attempt, and publishes each to live subscribers.
 * Secrets are masked by the runner before events leave the agent.
 */
export async function recordJobEvents(context: JobReportContext, claimed: ClaimedJob, agentName: string, events: readonly RunEvent[]): Promise<void> {
  const eventContext = { attempt: claimed.payload.runAttempt, agentName };
  for (const event of events) {
    await recordRunEvent(context.store, claimed.job.runId, event, eventContext);
    context.live.publishRunEvent(claimed.job.runId, event);
  }
}

/**
 * Stores the outcome of a job an agent finished: its test run summaries, the
 * artifacts it published to the run's artifact folder, then its result and
 * outcome in the job queue, and wakes the executor waiting for it. The queue
 * is written last because the run may complete as soon as it is. Throws
 * STORE011 when the agent no longer holds the lease. `current` is the job as
 * the caller has just read it; without it the job is read here.
 */
export async function completeJob(context: JobReportContext, claimed: ClaimedJob, agentId: number, outcome: JobOutcome, current?: QueuedJob): Promise<void> {
  const { job, payload } = claimed;
  current ??= await context.store.jobs.get(job.id);
  // A job whose lease is lost keeps nothing of this report: `complete` throws STORE011 with the details.
  if (current?.status !== 'leased' || current.leaseOwner !== agentId) {
    await context.store.jobs.complete(job.id, agentId, outcome.result, outcome);
    return;
  }

  for (const testRun of outcome.testResults ?? []) {
    const format = TEST_RESULT_FORMATS.has(testRun.format) ? (testRun.format as TestResultsFormat) : 'JUnit';
    await context.store.testResults.record({
      runId: job.runId,
      recordId: job.recordId,
      title: testRun.title,
      format,
      summary: { total: testRun.total, passed: testRun.passed, failed: testRun.failed, skipped: testRun.skipped, durationMs: testRun.durationMs },
    });
  }
  await indexArtifacts(context, job, payload);
  if (job.claimedAt !== undefined) context.metrics.observeJobRun(secondsBetween(job.claimedAt, new Date().toISOString()));

  await context.store.jobs.complete(job.id, agentId, outcome.result, outcome);
  context.logger.info({ runId: job.runId, jobId: job.id, recordId: job.recordId, result: outcome.result }, 'job completed');
  notifierOf(context).handOverOutcome(job.id, outcome);
  context.live.publishJobFinished(job.id);
}

/**
 * Records artifacts that appeared in the run's artifact folder and are not
 * indexed yet; the job that just completed is taken as their publisher. A job
 * without a step that publishes artifacts skips the listing of the run's
 * artifacts and the read of the folder.
 */
async function indexArtifacts(context: JobReportContext, job: QueuedJob, payload: RemoteJobPayload): Promise<void> {
  if (payload.request.artifactStoreRoot === undefined) return;
  if (!payload.request.steps.some(publishesArtifacts)) return;
  const root = jobArtifactRoot(context.store.logs.root, job.runId, payload.request.artifactStoreRoot);

  const known = new Set((await context.store.artifacts.list(job.runId)).map((artifact) => artifact.name));
  for (const artifact of await listArtifacts(root)) {
    if (known.has(artifact.name)) continue;
    try {
      await context.store.artifacts.record({
        runId: job.runId,
        recordId: job.recordId,
        name: artifact.name,
        manifestRef: `artifacts/${artifact.name}.json`,
        sizeBytes: artifact.bytes,
        fileCount: artifact.files,
      });
    } catch (error) {
      // Two jobs of the run completing at once may both index the same artifact.
      if (!isStoreError(error, StoreErrorCode.AlreadyExists)) throw error;
    }
  }
}

/**
 * True for a step that may write to the run's artifact store: a `publish:`
 * step, or a PublishPipelineArtifact or PublishBuildArtifacts task by name or
 * GUID. Script, checkout and download steps never publish.
 */
export function publishesArtifacts(step: StepDefinition): boolean {
  if (step.type === 'publish') return true;
  return step.type === 'task' && ARTIFACT_PUBLISHING_TASKS.has(step.task.toLowerCase());
}

function secondsBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / 1000;
}
