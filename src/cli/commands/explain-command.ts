import { describeLocation, describeResolution, describeSite, explainVariable, type JobVariableExplanation } from '../../language/validation/explain-variable.js';
import type { VariableSite } from '../../language/validation/variable-sites.js';
import { ExitCode, type CliIo } from '../cli-io.js';
import { CliErrorCodes } from '../cli-error-codes.js';
import { formatDiagnostics } from '../diagnostic-printer.js';
import { hostOperatingSystem, parsePairs } from '../option-parsing.js';
import { resolvePipelineFile } from '../pipeline-file.js';
import { preparePipeline } from '../prepare-pipeline.js';
import { readGitSourceInfo } from '../../runner/git-source-info.js';
import { compileTimeVariables } from '../compile-time-variables.js';
import { commandLineVariableNames, loadVariableGroups } from '../run-inputs.js';
import { SourceFileSet } from '../../language/source-file-set.js';
import type { Diagnostic } from '../../language/diagnostic.js';

/** Options of `sluice explain`. */
export interface ExplainCommandOptions {
  /** Pipeline file; default: the repository pipeline. */
  file?: string;
  stage?: string;
  job?: string;
  /** Queue-time values as `NAME=VALUE` (`--variable`, repeatable). */
  variable?: string[];
  /** `text` (default) or `json`. */
  format?: string;
  /** `NAME=FILE` values of variable groups (`--variable-group`, repeatable). */
  variableGroup?: string[];
  /** The branch a local run would have (`--branch`); default: the checked-out branch. */
  branch?: string;
  /** Build.Reason of the explained run (`--reason`); default `Manual`. */
  reason?: string;
}

/**
 * `sluice explain VARIABLE`: prints where the variable's value comes from in
 * each job, which definition wins and why, when it is resolved, and why it
 * could be empty. Jobs that see the same definitions are printed together.
 * Exits 0, or 2 when the pipeline cannot be loaded or `--stage`/`--job` match nothing.
 */
export async function runExplainCommand(variable: string, options: ExplainCommandOptions, io: CliIo): Promise<number> {
  if (options.format !== undefined && options.format !== 'json' && options.format !== 'text') {
    io.stderr(`${CliErrorCodes.invalidOption}: invalid --format '${options.format}': expected 'text' or 'json'\n`);
    return ExitCode.invalidInput;
  }
  const pipelineFile = await resolvePipelineFile(io.cwd, options.file);
  if (typeof pipelineFile === 'string') {
    io.stderr(`${CliErrorCodes.pipelineFileNotFound}: ${pipelineFile}\n`);
    return ExitCode.invalidInput;
  }

  const queueVariables = parsePairs('--variable', options.variable);
  const inputDiagnostics: Diagnostic[] = [];
  const groups = await loadVariableGroups(options.variableGroup ?? [], inputDiagnostics);
  if (inputDiagnostics.length > 0) {
    io.stderr(formatDiagnostics(inputDiagnostics, new SourceFileSet(), { color: io.color }));
    return ExitCode.invalidInput;
  }
  const source = await readGitSourceInfo(pipelineFile.sourceRoot, options.branch);
  const runValues = compileTimeVariables(source, { reason: options.reason });
  const prepared = await preparePipeline(pipelineFile, { hostOs: hostOperatingSystem() }, 'check', {
    variables: runValues,
    variableGroups: Object.values(groups).map((group) => group.name),
    knownVariables: commandLineVariableNames({ variable: options.variable, groups }),
  });
  if (!prepared.definition) {
    io.stderr(formatDiagnostics(prepared.diagnostics, prepared.sources, { color: io.color }));
    return ExitCode.invalidInput;
  }
  const errors = prepared.diagnostics.filter((diagnostic) => diagnostic.severity === 'error').length;
  if (errors > 0) io.stderr(`note: ${pipelineFile.displayPath} has ${errors} error(s), so this explanation may be incomplete; run 'sluice validate' to see them\n`);

  const explanation = explainVariable(prepared.definition, variable, { stage: options.stage, job: options.job, queueVariables });
  if (explanation.problems.length > 0) {
    for (const problem of explanation.problems) io.stderr(`${CliErrorCodes.invalidOption}: ${problem}\n`);
    return ExitCode.invalidInput;
  }

  if (options.format === 'json') {
    io.stdout(JSON.stringify(explanation, null, 2) + '\n');
    return ExitCode.success;
  }
  const localValue = Object.entries(runValues).find(([name]) => name.toLowerCase() === variable.toLowerCase())?.[1];
  if (localValue !== undefined) io.stdout(`Value in a local run of this checkout: '${localValue}' (set --branch or --reason to change it)\n`);
  io.stdout(formatExplanation(variable, explanation.predefined, explanation.jobs));
  return ExitCode.success;
}

/** Formats the explanation as text, one block per group of jobs that see the same definitions. */
export function formatExplanation(variable: string, predefined: string | undefined, jobs: JobVariableExplanation[]): string {
  const lines = [`Variable '${variable}'${predefined ? ` (predefined: ${predefined})` : ''}; names are case-insensitive.`];
  for (const group of groupJobs(jobs)) {
    lines.push('');
    lines.push(`In ${group.map(jobName).join(', ')}:`);
    lines.push(...formatJob(group[0]!));
  }
  return lines.join('\n') + '\n';
}

function formatJob(job: JobVariableExplanation): string[] {
  const lines: string[] = [];
  if (job.sites.length > 0) {
    lines.push('  Definitions, in the order they apply; a later one overrides an earlier one (pipeline, then stage, matrix, job, queue-time; values set by steps apply to later steps):');
    for (const site of job.sites) lines.push(`    - ${site.scope}: ${describeSite(site)}${formatValue(site)}`);
  }
  if (job.winner) {
    lines.push(`  Value: ${describeSite(job.winner)}${formatValue(job.winner)}`);
    lines.push(`  Resolved: ${describeResolution(job.winner)}`);
  } else {
    lines.push('  Value: not defined');
  }
  if (job.reasons.length > 0) {
    lines.push('  Why:');
    for (const reason of job.reasons) lines.push(`    - ${reason}`);
  }
  if (job.emptyReasons.length > 0) {
    lines.push('  Could be empty or left as literal text because:');
    for (const reason of job.emptyReasons) lines.push(`    - ${reason}`);
  }
  return lines;
}

function formatValue(site: VariableSite): string {
  const flags = [site.readonly && site.scope !== 'predefined' ? 'read-only' : '', site.isSecret ? 'secret' : ''].filter((flag) => flag !== '');
  const value = site.value !== undefined && !site.isSecret ? ` = '${site.value}'` : '';
  return `${value}${flags.length > 0 ? ` [${flags.join(', ')}]` : ''}`;
}

function jobName(job: JobVariableExplanation): string {
  return `${job.stage}.${job.job}${job.matrixLeg ? ` (matrix leg ${job.matrixLeg})` : ''}`;
}

/** Groups jobs whose definitions, winner and reasons are the same, so each different value is printed once. */
function groupJobs(jobs: JobVariableExplanation[]): JobVariableExplanation[][] {
  const groups = new Map<string, JobVariableExplanation[]>();
  for (const job of jobs) {
    const key = JSON.stringify({
      sites: job.sites.map((site) => [site.scope, site.value, site.matrixLeg, site.step, site.location && describeLocation(site.location)]),
      reasons: job.reasons,
      empty: job.emptyReasons.map((reason) => reason.replace(`'${job.stage}.${job.job}'`, '')),
    });
    const group = groups.get(key);
    if (group) group.push(job);
    else groups.set(key, [job]);
  }
  return [...groups.values()];
}
