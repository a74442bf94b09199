import { loadPipeline } from '../../language/pipeline/load-pipeline.js';
import { serializeExpandedYaml } from '../../language/templates/serialize-yaml.js';
import { readGitSourceInfo } from '../../runner/git-source-info.js';
import { ExitCode, type CliIo } from '../cli-io.js';
import { CliErrorCodes } from '../cli-error-codes.js';
import { formatCliError, PIPELINE_NOT_FOUND_HINT } from '../cli-error-message.js';
import { formatDiagnostics } from '../diagnostic-printer.js';
import { parsePairs } from '../option-parsing.js';
import { resolvePipelineFile } from '../pipeline-file.js';
import { compileTimeVariables } from '../compile-time-variables.js';

export interface ExpandCommandOptions {
  parameter?: string[];
  repository?: string[];
  branch?: string;
  sourceDir?: string;
}

/**
 * `sluice expand`: prints the pipeline after template expansion, the
 * equivalent of Azure's "download full YAML", for the given trigger.
 * Exits 2 and prints every problem when expansion or normalisation fails.
 */
export async function runExpandCommand(file: string | undefined, options: ExpandCommandOptions, io: CliIo): Promise<number> {
  const parameters = parsePairs('--parameter', options.parameter);
  const repositories = parsePairs('--repository', options.repository);
  const pipelineFile = await resolvePipelineFile(io.cwd, file, options.sourceDir);
  if (typeof pipelineFile === 'string') {
    io.stderr(formatCliError(CliErrorCodes.pipelineFileNotFound, pipelineFile, PIPELINE_NOT_FOUND_HINT));
    return ExitCode.invalidInput;
  }

  const source = await readGitSourceInfo(pipelineFile.sourceRoot, options.branch);
  const loaded = await loadPipeline(pipelineFile.path, {
    displayPath: pipelineFile.displayPath,
    repositoryRoot: pipelineFile.sourceRoot,
    parameters,
    repositories,
    variables: compileTimeVariables(source),
  });
  if (loaded.diagnostics.length > 0) io.stderr(formatDiagnostics(loaded.diagnostics, loaded.sources, { color: io.color }));
  if (!loaded.expanded || loaded.diagnostics.some((diagnostic) => diagnostic.severity === 'error')) return ExitCode.invalidInput;

  io.stdout(serializeExpandedYaml(loaded.expanded));
  return ExitCode.success;
}
