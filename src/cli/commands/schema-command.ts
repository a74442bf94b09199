import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { renderPipelineSchema } from '../../language/schema/build-pipeline-schema.js';
import { ExitCode, type CliIo } from '../cli-io.js';
import { CliErrorCodes } from '../cli-error-codes.js';
import { formatCliError } from '../cli-error-message.js';

/** The committed copy that editors point at, relative to the repository root. */
export const COMMITTED_SCHEMA_PATH = 'schema/azure-pipelines.schema.json';

/**
 * `sluice schema [--output FILE]`: prints the JSON Schema (draft-07) of the
 * pipeline language, or writes it to FILE (relative to the working directory).
 * Exits 0, or 2 when the file cannot be written.
 */
export async function runSchemaCommand(options: { output?: string }, io: CliIo): Promise<number> {
  const text = renderPipelineSchema();
  if (options.output === undefined) {
    io.stdout(text);
    return ExitCode.success;
  }

  const path = resolve(io.cwd, options.output);
  try {
    await writeFile(path, text, 'utf8');
  } catch (error) {
    io.stderr(formatCliError(CliErrorCodes.outputFileNotWritable, `cannot write the schema to '${options.output}': ${(error as Error).message}`, 'check that the folder exists and is writable'));
    return ExitCode.invalidInput;
  }
  io.stdout(`wrote ${options.output}\n`);
  return ExitCode.success;
}
