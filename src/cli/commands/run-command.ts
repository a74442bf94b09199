import { BUILD_ID } from '../build-id.js';
import { ParsedYamlFiles } from '../../store/parsed-yaml-files.js';
import { prefetchSourceSnapshot } from '../../runner/source-checkout.js';
import { randomUUID } from 'node:crypto';
import type { RunEvent } from '../../events/run-event.js';
import { Timeline } from '../../events/timeline.js';
import { runPipeline } from '../../orchestrator/run-pipeline.js';
import { describePlan, outlinePlan } from '../../plan/describe-plan.js';
import type { Diagnostic } from '../../language/diagnostic.js';
import { LocalJobRunner } from '../../runner/local-job-runner.js';
import { readGitSourceInfo } from '../../runner/git-source-info.js';
import { LocalRunDirectory } from '../../store/local-run-directory.js';
import { ExitCode, type CliIo } from '../cli-io.js';
import { diagnosticsToJson, formatDiagnostics } from '../diagnostic-printer.js';
import { hostOperatingSystem, OptionError, parseJobLimit, parsePairs, parsePlatformMap } from '../option-parsing.js';
import { JsonReporter } from '../output/json-reporter.js';
import { PlainReporter } from '../output/plain-reporter.js';
import type { RunReporter } from '../output/run-reporter.js';
import { buildRunSummary, type JobDetails } from '../output/run-summary.js';
import { TreeReporter } from '../output/tree-reporter.js';
import { resolvePipelineFile } from '../pipeline-file.js';
import { preparePipeline } from '../prepare-pipeline.js';
import { CliErrorCodes } from '../cli-error-codes.js';
import { formatCliError, PIPELINE_NOT_FOUND_HINT } from '../cli-error-message.js';
import { startSpawnHelper } from '../../runner/spawn-helper.js';
import { finishOldRunRemoval, removeOldRuns, type OldRunRemoval } from './old-run-removal.js';
import { createRunVariables } from '../run-variables.js';
import { commandLineVariableNames, loadRunInputs } from '../run-inputs.js';
import { SourceFileSet } from '../../language/source-file-set.js';
import { checkQueueVariableNames, checkRunTrigger, compileTimeVariables } from '../compile-time-variables.js';

export interface RunCommandOptions {
  stage?: string;
  job?: string;
  /** Commander sets `deps: false` for `--no-deps`. */
  deps?: boolean;
  variable?: string[];
  branch?: string;
  jobs?: string;
  inPlace?: boolean;
  dryRun?: boolean;
  output?: string;
  verbose?: boolean;
  platform?: string[];
  workDir?: string;
  sourceDir?: string;
  parameter?: string[];
  repository?: string[];
  secret?: string[];
  secretsFile?: string;
  tasks?: string[];
  serviceConnections?: string;
  variableGroup?: string[];
  reason?: string;
  prTarget?: string;
}

/**
 * Runs `sluice run`: loads and plans the pipeline, rejects the run when anything is
 * invalid, then runs it on this machine and reports as it goes. `signal` is
 * aborted on Ctrl-C.
 */
/**
 * Returns the parse cache of a bundled build, in the checkout's local run
 * directory, so that running an unchanged pipeline again skips parsing its YAML,
 * which is slow in a new process. An unbundled build has no build id to name
 * entries by, so it parses every time.
 */
function localParsedYamlCache(sourceRoot: string, workDir: string | undefined): ParsedYamlFiles | undefined {
  if (BUILD_ID === undefined) return undefined;
  return new ParsedYamlFiles(LocalRunDirectory.parsedYamlFolder(LocalRunDirectory.rootFor(sourceRoot, workDir)), BUILD_ID);
}

export async function runRunCommand(file: string | undefined, options: RunCommandOptions, io: CliIo, signal: AbortSignal): Promise<number> {
  const json = options.output === 'json';
  // With --output json, a program reads stdout, so every rejection is also printed there as one JSON line.
  const reject = (diagnostics: Diagnostic[], sources = new SourceFileSet()): number => {
    io.stderr(formatDiagnostics(diagnostics, sources, { color: io.color }));
    if (json) io.stdout(JSON.stringify({ type: 'error', diagnostics: diagnosticsToJson(diagnostics) }) + '\n');
    return ExitCode.invalidInput;
  };
  if (options.output !== undefined && options.output !== 'json' && options.output !== 'text') {
    io.stderr(formatCliError(CliErrorCodes.invalidOption, `invalid --output '${options.output}': expected 'text' or 'json'`));
    return ExitCode.invalidInput;
  }

  // Perl starts while the pipeline is read and planned, so the first step already goes through the helper.
  if (!options.dryRun) void startSpawnHelper();

  let queueVariables: Record<string, string>;
  let maxParallelJobs: number;
  let platformMap: Record<string, 'host'>;
  let parameters: Record<string, string>;
  let repositories: Record<string, string>;
  try {
    queueVariables = parsePairs('--variable', options.variable);
    maxParallelJobs = parseJobLimit(options.jobs);
    platformMap = parsePlatformMap(options.platform);
    parameters = parsePairs('--parameter', options.parameter);
    repositories = parsePairs('--repository', options.repository);
  } catch (error) {
    if (!(error instanceof OptionError)) throw error;
    return reject([{ code: error.code, severity: 'error', message: error.message, hint: error.hint }]);
  }

  const pipelineFile = await resolvePipelineFile(io.cwd, file, options.sourceDir);
  if (typeof pipelineFile === 'string') {
    return reject([{ code: CliErrorCodes.pipelineFileNotFound, severity: 'error', message: pipelineFile, hint: PIPELINE_NOT_FOUND_HINT }]);
  }

  // Git's facts are read while the run's inputs load: both mostly wait for the disk.
  const sourceInfo = readGitSourceInfo(pipelineFile.sourceRoot, options.branch);
  const inputs = await loadRunInputs(options);
  if (inputs.diagnostics.some((diagnostic) => diagnostic.severity === 'error')) return reject(inputs.diagnostics);
  if (inputs.diagnostics.length > 0) io.stderr(formatDiagnostics(inputs.diagnostics, new SourceFileSet(), { color: io.color }));

  const source = await sourceInfo;
  const trigger = { reason: options.reason, prTarget: options.prTarget };
  const early = [...checkRunTrigger(source, trigger, options.branch !== undefined), ...checkQueueVariableNames(queueVariables)];
  if (early.some((diagnostic) => diagnostic.severity === 'error')) return reject(early);
  if (early.length > 0) io.stderr(formatDiagnostics(early, new SourceFileSet(), { color: io.color }));

  const prepared = await preparePipeline(
    pipelineFile,
    { stage: options.stage, job: options.job, noDeps: options.deps === false, platformMap, hostOs: hostOperatingSystem() },
    'run',
    {
      parameters,
      repositories,
      variables: compileTimeVariables(source, trigger),
      taskPackages: inputs.taskPackages,
      serviceConnections: [...inputs.serviceConnections.keys()],
      variableGroups: Object.values(inputs.variableGroups).map((group) => group.name),
      knownVariables: commandLineVariableNames({ variable: options.variable, secret: options.secret, groups: inputs.variableGroups }),
      parsedYamlCache: localParsedYamlCache(pipelineFile.sourceRoot, options.workDir),
    },
  );
  if (!prepared.plan || prepared.diagnostics.some((diagnostic) => diagnostic.severity === 'error')) return reject(prepared.diagnostics, prepared.sources);
  if (prepared.diagnostics.length > 0) io.stderr(formatDiagnostics(prepared.diagnostics, prepared.sources, { color: io.color }));
  const plan = prepared.plan;

  if (options.dryRun) {
    const describeOptions = { dryRun: true, runVariables: compileTimeVariables(source, trigger), queueVariables };
    if (json) io.stdout(JSON.stringify({ type: 'plan', pipeline: pipelineFile.displayPath, ...outlinePlan(plan, describeOptions) }) + '\n');
    else io.stdout(describePlan(plan, describeOptions) + '\n');
    return ExitCode.success;
  }

  const runDirectory = await LocalRunDirectory.open(pipelineFile.sourceRoot, options.workDir);
  const slot = await runDirectory.reserveRun();
  if (!options.inPlace) prefetchSourceSnapshot(pipelineFile.sourceRoot, slot.workRoot);
  const startTime = new Date();
  const runVariables = await createRunVariables({
    source,
    sourceRoot: pipelineFile.sourceRoot,
    slot,
    runDirectory,
    runNumberFormat: plan.definition.name?.value,
    startTime,
    trigger,
  });

  const reporter = createReporter(io, options, json);
  const timeline = new Timeline();
  const runId = randomUUID();
  // Old workspaces are deleted while the run goes on, from the end of its first step, so the
  // deletion neither delays the first step's output nor adds to the end of the run.
  let pruning: OldRunRemoval | undefined;
  const startPruning = (): OldRunRemoval => (pruning ??= removeOldRuns(runDirectory));
  const sink = (event: RunEvent): void => {
    timeline.apply(event);
    reporter.onEvent(event);
    if (event.type === 'record-finished') startPruning();
  };
  sink({ type: 'run-started', runId, pipeline: pipelineFile.displayPath, time: startTime.toISOString() });

  const outcome = await runPipeline(plan, {
    runId,
    executor: new LocalJobRunner({ taskPackages: inputs.taskPackages, serviceConnections: inputs.serviceConnections }),
    sink,
    signal,
    maxParallelJobs,
    runVariables,
    queueVariables,
    secrets: inputs.secrets,
    variableGroups: inputs.variableGroups,
    repositories,
    source: { path: pipelineFile.sourceRoot, inPlace: Boolean(options.inPlace) },
    workRoot: slot.workRoot,
    // reserveRun created the folder for this run alone.
    workRootOwned: true,
  });

  const jobDetails = new Map<string, JobDetails>();
  for (const stage of outcome.stages) {
    for (const job of stage.jobs) {
      jobDetails.set(job.recordId, {
        variables: job.variables,
        pythonVersion: job.pythonVersion,
        testResults: job.testResults,
        coverage: job.coverage,
        environment: job.environment,
      });
    }
  }
  reporter.finish(
    buildRunSummary(
      timeline,
      { runId, pipeline: pipelineFile.displayPath, result: outcome.result, startTime: startTime.toISOString(), finishTime: new Date().toISOString() },
      jobDetails,
    ),
  );
  const pruneError = await finishOldRunRemoval(startPruning());
  if (pruneError !== undefined) throw pruneError;

  if (signal.aborted) return ExitCode.canceled;
  if (outcome.result === 'failed' || outcome.result === 'canceled') return ExitCode.runFailed;
  return ExitCode.success;
}

function createReporter(io: CliIo, options: RunCommandOptions, json: boolean): RunReporter {
  if (json) return new JsonReporter(io.stdout);
  if (io.isTerminal && !options.verbose) return new TreeReporter({ write: io.stdout, columns: io.columns }, { color: io.color });
  return new PlainReporter(io.stdout, { color: io.color, showOutput: true });
}
