import type { Diagnostic } from '../language/diagnostic.js';
import { findPredefinedVariable, isUserSettablePredefined } from '../language/validation/predefined-variable-names.js';
import type { GitSourceInfo } from '../runner/git-source-info.js';
import { CliErrorCodes } from './cli-error-codes.js';

/** Values `--reason` accepts: the Build.Reason values a YAML pipeline run can have (learn.microsoft.com …/build/variables). */
export const RUN_REASONS = ['Manual', 'IndividualCI', 'BatchedCI', 'PullRequest', 'Schedule'] as const;

/** What triggered the simulated run (`--reason`, `--pr-target`). */
export interface RunTrigger {
  /** One of RUN_REASONS, compared case-insensitively; default `Manual`. */
  reason?: string;
  /** With reason PullRequest: the target branch, as a name or full ref; default `main`. */
  prTarget?: string;
}

/**
 * Predefined variables that Azure makes available to template expressions
 * (marked "available in templates" in learn.microsoft.com …/build/variables),
 * as a local run with this trigger knows them. An invalid reason falls back
 * to `Manual`; checkRunTrigger reports it.
 */
export function compileTimeVariables(source: GitSourceInfo, trigger: RunTrigger = {}): Record<string, string> {
  const values: Record<string, string> = {
    'Build.Reason': normalizeReason(trigger.reason) ?? 'Manual',
    'Build.SourceBranch': source.branch,
    'Build.SourceBranchName': source.branchName,
    'Build.SourceVersion': source.commit,
    'Build.SourceVersionMessage': source.message,
    'Build.Repository.Provider': 'Git',
  };
  return { ...values, ...pullRequestVariables(source, trigger) };
}

/**
 * The System.PullRequest.* variables of a run whose reason is PullRequest: the
 * number comes from a branch `refs/pull/N/merge` (the ref Azure builds for a
 * GitHub pull request), and the source and target branches from the run's
 * branch and `prTarget` (learn.microsoft.com …/build/variables, "System variables").
 */
export function pullRequestVariables(source: GitSourceInfo, trigger: RunTrigger): Record<string, string> {
  if (normalizeReason(trigger.reason) !== 'PullRequest') return {};
  const target = trigger.prTarget ?? 'main';
  const values: Record<string, string> = {
    'System.PullRequest.SourceBranch': source.branch,
    'System.PullRequest.TargetBranch': target.startsWith('refs/') ? target : `refs/heads/${target}`,
  };
  const number = /^refs\/pull\/(\d+)\/(merge|head)$/.exec(source.branch)?.[1];
  if (number !== undefined) {
    values['System.PullRequest.PullRequestNumber'] = number;
    values['System.PullRequest.PullRequestId'] = number;
  }
  return values;
}

/**
 * Checks the trigger options and the checkout: an unknown `--reason` is an
 * error, and a detached HEAD gets one warning because Build.SourceBranch is
 * then the commit id, which conditions on a branch never match.
 */
export function checkRunTrigger(source: GitSourceInfo, trigger: RunTrigger, branchGiven: boolean): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  if (trigger.reason !== undefined && normalizeReason(trigger.reason) === undefined) {
    diagnostics.push({
      code: CliErrorCodes.invalidOption,
      severity: 'error',
      message: `invalid --reason '${trigger.reason}': expected one of ${RUN_REASONS.join(', ')}`,
      hint: 'pass the Build.Reason value that the conditions you want to test expect, such as --reason PullRequest',
    });
  }
  if (!branchGiven && source.isRepository && source.commit !== '' && source.branch === source.commit) {
    diagnostics.push({
      code: CliErrorCodes.invalidOption,
      severity: 'warning',
      message: `HEAD is detached, so Build.SourceBranch is the commit id '${source.commit}' and conditions on the branch do not match`,
      hint: 'pass the branch the run stands for, such as --branch refs/heads/main or --branch refs/pull/12/merge',
    });
  }
  return diagnostics;
}

/**
 * Warns about `--variable` names of predefined variables: Azure makes them
 * read-only, so a queue-time value for them has no effect (learn.microsoft.com
 * …/build/variables). The few that users may set, such as System.Debug, are not reported.
 */
export function checkQueueVariableNames(queueVariables: Record<string, string>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const name of Object.keys(queueVariables)) {
    if (isUserSettablePredefined(name) || findPredefinedVariable(name) === undefined) continue;
    const hint = /^build\.reason$/i.test(name)
      ? 'use --reason instead, such as --reason PullRequest'
      : /^build\.sourcebranch(name)?$/i.test(name)
        ? 'use --branch instead, such as --branch refs/heads/release'
        : 'use a variable of your own, or the option that sets this value';
    diagnostics.push({
      code: CliErrorCodes.invalidOption,
      severity: 'warning',
      message: `--variable ${name}=… was ignored: '${name}' is a predefined variable, and predefined variables are read-only`,
      hint,
    });
  }
  return diagnostics;
}

function normalizeReason(reason: string | undefined): string | undefined {
  if (reason === undefined) return 'Manual';
  return RUN_REASONS.find((item) => item.toLowerCase() === reason.toLowerCase());
}
