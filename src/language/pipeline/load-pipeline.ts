import { readFile } from 'node:fs/promises';
import type { Diagnostic } from '../diagnostic.js';
import { SourceFileSet } from '../source-file-set.js';
import { loadYaml } from '../yaml/load-yaml.js';
import { normalizePipeline } from './normalize-pipeline.js';
import type { PipelineDefinition } from './pipeline-model.js';

/**
 * Reads a pipeline file, parses its YAML and normalises it into stages → jobs →
 * steps. Diagnostics use `displayPath` (default: `path`) as the file name, and
 * `sources` holds the text under that name so errors can be printed with their
 * source line. A read failure is a PIPE021 diagnostic, not an exception.
 */
export async function loadPipeline(
  path: string,
  options?: { displayPath?: string },
): Promise<{ definition?: PipelineDefinition; diagnostics: Diagnostic[]; sources: SourceFileSet }> {
  const file = options?.displayPath ?? path;
  const sources = new SourceFileSet();

  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : (error as Error).message;
    const diagnostic: Diagnostic = {
      code: 'PIPE021',
      severity: 'error',
      message: `cannot read pipeline file "${file}": ${reason}`,
      location: { file, line: 1, column: 1 },
      hint: 'Check the path, or run the command from the repository that contains the pipeline.',
    };
    return { diagnostics: [diagnostic], sources };
  }

  sources.set(file, text);
  const loaded = loadYaml(text, file);
  if (loaded.root === undefined) {
    const empty: Diagnostic = {
      code: 'PIPE018',
      severity: 'error',
      message: 'the pipeline file is empty',
      location: { file, line: 1, column: 1 },
      hint: 'Add at least "steps:" with one step, for example "- script: echo hello".',
    };
    return { diagnostics: [...loaded.diagnostics, empty], sources };
  }

  const normalized = normalizePipeline(loaded.root, file);
  return { definition: normalized.definition, diagnostics: [...loaded.diagnostics, ...normalized.diagnostics], sources };
}
