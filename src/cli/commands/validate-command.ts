import { ExitCode, type CliIo } from '../cli-io.js';
import { CliErrorCodes } from '../cli-error-codes.js';
import { formatCliError, PIPELINE_NOT_FOUND_HINT } from '../cli-error-message.js';
import { diagnosticsToJson, formatDiagnostics } from '../diagnostic-printer.js';
import { hostOperatingSystem, parsePairs } from '../option-parsing.js';
import { readGitSourceInfo } from '../../runner/git-source-info.js';
import { compileTimeVariables } from '../compile-time-variables.js';
import { resolvePipelineFile } from '../pipeline-file.js';
import { preparePipeline } from '../prepare-pipeline.js';
import { commandLineVariableNames, loadVariableGroups } from '../run-inputs.js';
import { SourceFileSet } from '../../language/source-file-set.js';
import type { Diagnostic } from '../../language/diagnostic.js';

/** Options of `sluice validate`; the variable options only name what the command line would define. */
export interface ValidateCommandOptions {
  format?: string;
  parameter?: string[];
  repository?: string[];
  variableGroup?: string[];
  variable?: string[];
  secret?: string[];
  reason?: string;
  branch?: string;
}

/**
 * `sluice validate`: loads and plans each file and prints every diagnostic.
 * Exits 0 when all files are valid (warnings allowed), 2 when any has an error.
 */
export async function runValidateCommand(files: string[], options: ValidateCommandOptions, io: CliIo): Promise<number> {
  const json = options.format === 'json';
  if (options.format !== undefined && options.format !== 'json' && options.format !== 'text') {
    io.stderr(formatCliError(CliErrorCodes.invalidOption, `invalid --format '${options.format}': expected 'text' or 'json'`));
    return ExitCode.invalidInput;
  }

  const parameters = parsePairs('--parameter', options.parameter);
  const repositories = parsePairs('--repository', options.repository);
  const inputDiagnostics: Diagnostic[] = [];
  const groups = await loadVariableGroups(options.variableGroup ?? [], inputDiagnostics);
  if (inputDiagnostics.length > 0) {
    io.stderr(formatDiagnostics(inputDiagnostics, new SourceFileSet(), { color: io.color }));
    return ExitCode.invalidInput;
  }
  const knownVariables = commandLineVariableNames({ variable: options.variable, secret: options.secret, groups });
  const targets = files.length > 0 ? files : [undefined];
  const report: { file: string; valid: boolean; diagnostics: object[] }[] = [];
  let valid = true;
  for (const target of targets) {
    const pipelineFile = await resolvePipelineFile(io.cwd, target);
    if (typeof pipelineFile === 'string') {
      valid = false;
      if (json) report.push({ file: target ?? '', valid: false, diagnostics: [{ code: CliErrorCodes.pipelineFileNotFound, severity: 'error', message: pipelineFile }] });
      else io.stderr(formatCliError(CliErrorCodes.pipelineFileNotFound, pipelineFile, PIPELINE_NOT_FOUND_HINT));
      continue;
    }

    const source = await readGitSourceInfo(pipelineFile.sourceRoot, options.branch);
    const prepared = await preparePipeline(pipelineFile, { hostOs: hostOperatingSystem() }, 'check', {
      parameters,
      repositories,
      variables: compileTimeVariables(source, { reason: options.reason }),
      variableGroups: Object.values(groups).map((group) => group.name),
      knownVariables,
    });
    const fileValid = !prepared.diagnostics.some((diagnostic) => diagnostic.severity === 'error');
    valid &&= fileValid;
    if (json) {
      report.push({ file: pipelineFile.displayPath, valid: fileValid, diagnostics: diagnosticsToJson(prepared.diagnostics) });
    } else {
      if (prepared.diagnostics.length > 0) io.stderr(formatDiagnostics(prepared.diagnostics, prepared.sources, { color: io.color }));
      io.stdout(`${pipelineFile.displayPath}: ${fileValid ? 'valid' : 'invalid'}\n`);
    }
  }

  if (json) io.stdout(JSON.stringify(report, null, 2) + '\n');
  return valid ? ExitCode.success : ExitCode.invalidInput;
}
