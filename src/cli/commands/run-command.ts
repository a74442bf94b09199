import { randomUUID } from 'node:crypto';
import type { RunEvent } from '../../events/run-event.js';
import { Timeline } from '../../events/timeline.js';
import { runPipeline } from '../../orchestrator/run-pipeline.js';
import { describePlan } from '../../plan/create-run-plan.js';
import { LocalJobRunner } from '../../runner/local-job-runner.js';
import { readGitSourceInfo } from '../../runner/git-source-info.js';
import { LocalRunDirectory } from '../../store/local-run-directory.js';
import { ExitCode, type CliIo } from '../cli-io.js';
import { formatDiagnostics } from '../diagnostic-printer.js';
import { hostOperatingSystem, parseJobLimit, parsePairs, parsePlatformMap } from '../option-parsing.js';
import { JsonReporter } from '../output/json-reporter.js';
import { PlainReporter } from '../output/plain-reporter.js';
import type { RunReporter } from '../output/run-reporter.js';
import { buildRunSummary, type JobDetails } from '../output/run-summary.js';
import { TreeReporter } from '../output/tree-reporter.js';
import { resolvePipelineFile } from '../pipeline-file.js';
import { preparePipeline } from '../prepare-pipeline.js';
import { CliErrorCodes } from '../cli-error-codes.js';
import { createRunVariables } from '../run-variables.js';
import { loadRunInputs } from '../run-inputs.js';
import { SourceFileSet } from '../../language/source-file-set.js';
import { compileTimeVariables } from '../compile-time-variables.js';

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
}

/**
 * Runs `sluice run`: loads and plans the pipeline, rejects the run when anything is
 * invalid, then runs it on this machine and reports as it goes. `signal` is
 * aborted on Ctrl-C.
 */
export async function runRunCommand(file: string | undefined, options: RunCommandOptions, io: CliIo, signal: AbortSignal): Promise<number> {
  const json = options.output === 'json';
  if (options.output !== undefined && options.output !== 'json' && options.output !== 'text') {
    io.stderr(`${CliErrorCodes.invalidOption}: invalid --output '${options.output}': expected 'text' or 'json'\n`);
    return ExitCode.invalidInput;
  }
  const queueVariables = parsePairs('--variable', options.variable);
  const maxParallelJobs = parseJobLimit(options.jobs);
  const platformMap = parsePlatformMap(options.platform);

  const parameters = parsePairs('--parameter', options.parameter);
  const repositories = parsePairs('--repository', options.repository);

  const pipelineFile = await resolvePipelineFile(io.cwd, file, options.sourceDir);
  if (typeof pipelineFile === 'string') {
    io.stderr(`${CliErrorCodes.pipelineFileNotFound}: ${pipelineFile}\n`);
    return ExitCode.invalidInput;
  }

  const inputs = await loadRunInputs(options);
  if (inputs.diagnostics.length > 0) io.stderr(formatDiagnostics(inputs.diagnostics, new SourceFileSet(), { color: io.color }));
  if (inputs.diagnostics.some((diagnostic) => diagnostic.severity === 'error')) return ExitCode.invalidInput;

  const source = await readGitSourceInfo(pipelineFile.sourceRoot, options.branch);
  const prepared = await preparePipeline(
    pipelineFile,
    { stage: options.stage, job: options.job, noDeps: options.deps === false, platformMap, hostOs: hostOperatingSystem() },
    'run',
    {
      parameters,
      repositories,
      variables: compileTimeVariables(source),
      taskPackages: inputs.taskPackages,
      serviceConnections: [...inputs.serviceConnections.keys()],
    },
  );
  if (prepared.diagnostics.length > 0) io.stderr(formatDiagnostics(prepared.diagnostics, prepared.sources, { color: io.color }));
  if (!prepared.plan || prepared.diagnostics.some((diagnostic) => diagnostic.severity === 'error')) return ExitCode.invalidInput;
  const plan = prepared.plan;

  if (options.dryRun) {
    io.stdout(describePlan(plan, { dryRun: true, runVariables: compileTimeVariables(source), queueVariables }) + '\n');
    return ExitCode.success;
  }

  const runDirectory = await LocalRunDirectory.open(pipelineFile.sourceRoot, options.workDir);
  const slot = await runDirectory.reserveRun();
  const startTime = new Date();
  const runVariables = await createRunVariables({
    source,
    sourceRoot: pipelineFile.sourceRoot,
    slot,
    runDirectory,
    runNumberFormat: plan.definition.name?.value,
    startTime,
  });

  const reporter = createReporter(io, options, json);
  const timeline = new Timeline();
  const runId = randomUUID();
  const sink = (event: RunEvent): void => {
    timeline.apply(event);
    reporter.onEvent(event);
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
    repositories,
    source: { path: pipelineFile.sourceRoot, inPlace: Boolean(options.inPlace) },
    workRoot: slot.workRoot,
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
  await runDirectory.pruneOldRuns();

  if (signal.aborted) return ExitCode.canceled;
  if (outcome.result === 'failed' || outcome.result === 'canceled') return ExitCode.runFailed;
  return ExitCode.success;
}

function createReporter(io: CliIo, options: RunCommandOptions, json: boolean): RunReporter {
  if (json) return new JsonReporter(io.stdout);
  if (io.isTerminal && !options.verbose) return new TreeReporter({ write: io.stdout, columns: io.columns }, { color: io.color });
  return new PlainReporter(io.stdout, { color: io.color, showOutput: true });
}
