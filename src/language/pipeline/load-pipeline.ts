import { dirname } from 'node:path';
import type { Diagnostic } from '../diagnostic.js';
import { expandTemplates } from '../templates/expand-templates.js';
import { readBoundedText } from '../templates/read-bounded-text.js';
import { MAX_TEMPLATE_TEXT_CHARACTERS } from '../templates/template-limits.js';
import { SourceFileSet } from '../source-file-set.js';
import { uniqueDiagnostics } from '../unique-diagnostics.js';
import { loadYaml } from '../yaml/load-yaml.js';
import type { ParsedYamlCache } from '../yaml/parsed-yaml-cache.js';
import type { YamlNode } from '../yaml/yaml-node.js';
import { normalizePipeline } from './normalize-pipeline.js';
import type { PipelineDefinition } from './pipeline-model.js';

/** How to load a pipeline: where its repository is and what the run supplies. */
export interface LoadPipelineOptions {
  /** The file name diagnostics show; template files are named relative to `repositoryRoot`, so use the same base. */
  displayPath?: string;
  /** The checkout root; `/` in template paths starts here. Default: the pipeline file's folder. */
  repositoryRoot?: string;
  /** Runtime parameter values (`--parameter name=value`). */
  parameters?: Record<string, string>;
  /** Local checkouts of repository resources by alias (`--repository alias=PATH`). */
  repositories?: Record<string, string>;
  /** Predefined variables known when templates expand, such as Build.SourceBranch. */
  variables?: Record<string, string>;
  /** Store of the pipeline file's parsed YAML between commands, if any. */
  parsedYamlCache?: ParsedYamlCache;
}

/** A loaded pipeline: the expanded YAML tree and the definition built from it, when they could be built. */
export interface LoadedPipeline {
  definition?: PipelineDefinition;
  /** The YAML after template expansion, for `sluice expand`. */
  expanded?: YamlNode;
  diagnostics: Diagnostic[];
  sources: SourceFileSet;
}

/**
 * Returns false when template expansion would return a copy of `root` with no
 * diagnostics: a mapping whose text contains no `${{`, `template`, `extends` or
 * `parameters`, loaded with no runtime parameters (which expansion checks
 * against the declarations). Skipping it saves a walk over every node at start-up.
 */
function needsExpansion(root: YamlNode, text: string, options: LoadPipelineOptions): boolean {
  if (root.kind !== 'mapping') return true;
  if (Object.keys(options.parameters ?? {}).length > 0) return true;
  return /\$\{\{|template|extends|parameters/.test(text);
}

/**
 * Reads a pipeline file, parses its YAML, expands its templates and template
 * expressions, and normalises it into stages → jobs → steps. Diagnostics use
 * `displayPath` (default: `path`) as the file name, and `sources` holds the
 * text of every file read so errors can be printed with their source line.
 * A read failure is a PIPE021 diagnostic, not an exception.
 */
export async function loadPipeline(
  path: string,
  options: LoadPipelineOptions = {},
): Promise<LoadedPipeline> {
  const file = options.displayPath ?? path;
  const sources = new SourceFileSet();

  let text: string;
  try {
    const read = await readBoundedText(path, MAX_TEMPLATE_TEXT_CHARACTERS);
    if (read.tooLarge) {
      const diagnostic: Diagnostic = {
        code: 'TPL007',
        severity: 'error',
        message: `pipeline file "${file}" has ${read.bytes} bytes, more than the ${MAX_TEMPLATE_TEXT_CHARACTERS} characters of YAML that a pipeline and its templates may have together (Azure Pipelines limits parsing to 20 MB of memory)`,
        location: { file, line: 1, column: 1 },
        hint: 'Split the pipeline into templates, or remove generated content from it.',
      };
      return { diagnostics: [diagnostic], sources };
    }
    text = read.text;
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
  let loaded = options.parsedYamlCache?.get(file, text);
  if (loaded === undefined) {
    loaded = loadYaml(text, file);
    options.parsedYamlCache?.set(file, text, loaded);
  }
  if (loaded.root === undefined) {
    // A file rejected before parsing (nesting too deep) has no tree either, but is not empty.
    if (loaded.diagnostics.some((diagnostic) => diagnostic.severity === 'error')) return { diagnostics: loaded.diagnostics, sources };
    const empty: Diagnostic = {
      code: 'PIPE018',
      severity: 'error',
      message: 'the pipeline file is empty',
      location: { file, line: 1, column: 1 },
      hint: 'Add at least "steps:" with one step, for example "- script: echo hello".',
    };
    return { diagnostics: [...loaded.diagnostics, empty], sources };
  }

  const expanded = needsExpansion(loaded.root, text, options)
    ? await expandTemplates(loaded.root, file, {
        repositoryRoot: options.repositoryRoot ?? dirname(path),
        parameters: options.parameters,
        repositories: options.repositories,
        variables: options.variables,
        text,
      })
    : { root: loaded.root, diagnostics: [], files: new Map<string, string>() };
  for (const [name, content] of expanded.files) sources.set(name, content);
  const diagnostics = uniqueDiagnostics([...loaded.diagnostics, ...expanded.diagnostics]);
  if (expanded.root === undefined || expanded.diagnostics.some((diagnostic) => diagnostic.severity === 'error')) {
    return { diagnostics, sources };
  }

  const normalized = normalizePipeline(expanded.root, file);
  return {
    definition: normalized.definition,
    expanded: expanded.root,
    diagnostics: uniqueDiagnostics([...diagnostics, ...normalized.diagnostics]),
    sources,
  };
}
