import type { Pipeline } from '../../store/pipeline-repository.js';
import { decidePrTrigger } from '../../triggers/decide-pr-trigger.js';
import { shouldExposeSecrets } from '../../triggers/fork-secrets.js';
import { toFullBranchRef } from '../../triggers/ref-filter.js';
import type { PullRequestEvent } from '../../triggers/webhook-event.js';
import { pullRequestVariables } from './pull-request-variables.js';
import type { TriggerOutcome, TriggerService } from './trigger-service.js';

/** The pull-request actions that start a validation run; a closed or edited PR starts none. */
const RUNNING_ACTIONS = new Set(['opened', 'reopened', 'updated']);

/**
 * Decides a pull-request event with the `pr` trigger of the pipeline file at
 * the commit being built and queues a PullRequest run with
 * Build.SourceBranch `refs/pull/<n>/merge` and the System.PullRequest.*
 * variables. With `autoCancel` (the default) older runs of the same PR that
 * are still queued or running are canceled first.
 */
export async function handlePullRequest(service: TriggerService, pipeline: Pipeline, pr: PullRequestEvent): Promise<TriggerOutcome> {
  if (!RUNNING_ACTIONS.has(pr.action)) return service.skip(pipeline, `the pull request action "${pr.forgeAction}" starts no run`, { pullRequest: pr.number });

  return service.serializer.run(`${pipeline.id} pr ${pr.number}`, async () => {
    const { context } = service.options;
    await service.git.fetch(pipeline);
    const head = await service.git.resolve(pipeline.id, pr.headCommit.id);
    if (head === undefined) {
      return service.skip(pipeline, `the pull request's source commit ${pr.headCommit.id} is not in the repository; forks are read through refs/pull/<n>/head`, { pullRequest: pr.number });
    }

    const commit = (await forgeMergeCommit(service, pipeline, pr.number, head)) ?? head;
    const triggers = await service.readTriggers(pipeline, commit);
    if (!triggers.found) return service.skip(pipeline, `commit ${commit} has no ${pipeline.yamlPath}`, { pullRequest: pr.number });

    const changedPaths = pr.changedPaths ?? (await pullRequestPaths(service, pipeline, pr.targetBranch, head));
    const decision = decidePrTrigger(triggers.pr, { targetBranch: pr.targetBranch, changedPaths, isDraft: pr.isDraft });
    if (!decision.run) return service.skip(pipeline, decision.reason, { pullRequest: pr.number });

    if (decision.autoCancel) await cancelSupersededRuns(service, pipeline, pr.number);

    const settings = await service.options.settings.get(pipeline.id);
    const secrets = shouldExposeSecrets(pr, { allowSecretsForForks: settings?.allowSecretsForForks ?? false });
    // The run coordinator makes the same decision again when it drives the run,
    // from System.PullRequest.IsFork, and withholds the secret pipeline variables
    // then (pipeline-variable-scope.ts). This line logs it as the webhook arrives.
    context.logger.info({ pipelineId: pipeline.id, pullRequest: pr.number, exposeSecrets: secrets.expose }, secrets.reason);

    const repository = pr.forge === 'gitlab' && pr.repository.projectId !== undefined ? String(pr.repository.projectId) : pr.repository.fullName;
    const run = await service.queue(
      pipeline,
      {
        branch: `refs/pull/${pr.number}/merge`,
        commit,
        reason: 'PullRequest',
        pullRequestNumber: pr.number,
        variables: pullRequestVariables(pr),
        requestedBy: `pull request ${pr.number}`,
      },
      { sha: head, ref: pr.sourceBranch, repository },
    );
    return { runs: [run], reason: decision.reason };
  });
}

/**
 * Returns the merge commit the forge prepared for the PR (GitHub's and
 * Gitea's `refs/pull/<n>/merge`, GitLab's `refs/merge-requests/<n>/merge`)
 * when it merges the current source commit; Azure builds that commit. Without
 * one, the source commit itself is built.
 */
async function forgeMergeCommit(service: TriggerService, pipeline: Pipeline, number: number, head: string): Promise<string | undefined> {
  for (const ref of [`refs/pull/${number}/merge`, `refs/merge-requests/${number}/merge`]) {
    const merge = await service.git.resolve(pipeline.id, ref);
    if (merge === undefined) continue;
    const parents = await service.git.parents(pipeline.id, merge);
    if (parents.includes(head)) return merge;
  }
  return undefined;
}

/** Paths the PR changes: from where the source branch left the target branch to the source commit. */
async function pullRequestPaths(service: TriggerService, pipeline: Pipeline, targetBranch: string, head: string): Promise<string[]> {
  const target = await service.git.resolve(pipeline.id, toFullBranchRef(targetBranch));
  const base = target === undefined ? undefined : await service.git.mergeBase(pipeline.id, target, head);
  if (base === undefined) return service.git.allPaths(pipeline.id, head);
  return service.git.changedPaths(pipeline.id, base, head);
}

/** Cancels the queued and running runs of the same PR (`autoCancel`). */
async function cancelSupersededRuns(service: TriggerService, pipeline: Pipeline, number: number): Promise<void> {
  const { context } = service.options;
  for (const status of ['queued', 'inProgress'] as const) {
    const runs = await context.store.runs.list({ pipelineId: pipeline.id, branch: `refs/pull/${number}/merge`, status, limit: 100 });
    for (const run of runs) {
      if (run.trigger.reason !== 'PullRequest') continue;
      try {
        await context.coordinator.cancelRun(run.id, `autoCancel: pull request ${number} was updated`);
        context.logger.info({ runId: run.id, pipelineId: pipeline.id, pullRequest: number }, 'superseded pull request run canceled');
      } catch (error) {
        // The run may have completed in the meantime; that is not a failure of the new run.
        context.logger.warn({ runId: run.id, err: error }, 'canceling a superseded pull request run failed');
      }
    }
  }
}
