import { describePlan } from '../../plan/create-run-plan.js';
import { ExitCode, type CliIo } from '../cli-io.js';
import { CliErrorCodes } from '../cli-error-codes.js';
import { formatCliError, PIPELINE_NOT_FOUND_HINT } from '../cli-error-message.js';
import { formatDiagnostics } from '../diagnostic-printer.js';
import { hostOperatingSystem, parsePairs, parsePlatformMap } from '../option-parsing.js';
import { resolvePipelineFile } from '../pipeline-file.js';
import { preparePipeline } from '../prepare-pipeline.js';

/** Options of `sluice list`. */
export interface ListCommandOptions {
  platform?: string[];
  parameter?: string[];
  repository?: string[];
}

/** `sluice list`: the stages, jobs (matrix legs expanded) and steps, without running anything. */
export async function runListCommand(file: string | undefined, options: ListCommandOptions, io: CliIo): Promise<number> {
  const parameters = parsePairs('--parameter', options.parameter);
  const repositories = parsePairs('--repository', options.repository);
  const pipelineFile = await resolvePipelineFile(io.cwd, file);
  if (typeof pipelineFile === 'string') {
    io.stderr(formatCliError(CliErrorCodes.pipelineFileNotFound, pipelineFile, PIPELINE_NOT_FOUND_HINT));
    return ExitCode.invalidInput;
  }
  const planOptions = { platformMap: parsePlatformMap(options.platform), hostOs: hostOperatingSystem() };
  const prepared = await preparePipeline(pipelineFile, planOptions, 'check', { parameters, repositories });
  if (prepared.diagnostics.length > 0) io.stderr(formatDiagnostics(prepared.diagnostics, prepared.sources, { color: io.color }));
  if (!prepared.plan || prepared.diagnostics.some((diagnostic) => diagnostic.severity === 'error')) return ExitCode.invalidInput;

  io.stdout(describePlan(prepared.plan) + '\n');
  return ExitCode.success;
}
