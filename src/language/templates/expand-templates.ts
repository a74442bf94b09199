import { resolve } from 'node:path';
import { DiagnosticBag, type Diagnostic } from '../diagnostic.js';
import type { ExpressionObject } from '../expressions/expression-context.js';
import type { SourceLocation } from '../source-location.js';
import type { YamlMapping, YamlNode } from '../yaml/yaml-node.js';
import { findEntry } from '../yaml/yaml-node.js';
import { bindRuntimeParameters } from './runtime-parameters.js';
import { TemplateExpander } from './template-expander.js';
import { readTextFile, TemplateFileLoader } from './template-files.js';
import { readParameterDeclarations } from './template-parameters.js';
import { TemplateReferences } from './template-references.js';
import { TemplateExpressionRunner, type TemplateScope } from './template-scope.js';

/** Settings of one expansion. */
export interface ExpandOptions {
  /** The checkout of the pipeline's repository; `/` in template paths starts here. */
  repositoryRoot: string;
  /** Reads a file by absolute path; defaults to reading UTF-8 from disk. */
  readFile?: (absolutePath: string) => Promise<string>;
  /** Local checkouts of repository resources by alias, from `--repository alias=PATH`. */
  repositories?: Record<string, string>;
  /** Runtime parameter values from `--parameter name=value`, parsed by their declared type. */
  parameters?: Record<string, string>;
  /** Predefined variables known at compile time, such as Build.SourceBranch. */
  variables?: Record<string, string>;
  /** The text of the pipeline file, recorded in `files`; read with `readFile` when absent. */
  text?: string;
}

/** The expanded tree, every problem found, and the text of every file read, by diagnostic name. */
export interface ExpandResult {
  root?: YamlNode;
  diagnostics: Diagnostic[];
  files: Map<string, string>;
}

/**
 * Expands templates, template expressions and runtime parameters of a parsed
 * pipeline. The result has no `template:` references, no `extends:` and no
 * `${{ }}` other than literal text an escape produced (`${{ '${{' }}`).
 * `$( )` macros and `$[ ]` runtime expressions stay as text. Every
 * node keeps its original location, and nodes from a template carry
 * `includedFrom`, the location of the reference (chains nest); values passed
 * as parameters keep the location where the caller wrote them. Errors are
 * collected, not thrown; `root` is what could be built even when there are errors.
 */
export async function expandTemplates(root: YamlNode, file: string, options: ExpandOptions): Promise<ExpandResult> {
  const bag = new DiagnosticBag();
  const loader = new TemplateFileLoader(
    { repositoryRoot: options.repositoryRoot, repositories: options.repositories ?? {}, readFile: options.readFile ?? readTextFile },
    bag,
  );
  loader.registerRoot(file, options.text ?? (await readRootText(file, options)));

  const start: SourceLocation = { file, line: root.location.line, column: root.location.column };
  if (root.kind !== 'mapping') {
    bag.error('TPL013', `a pipeline must be a mapping of keys such as "steps:" or "jobs:", but this file contains a ${root.kind}`, start, 'Start the file with keys such as "trigger:", "pool:" and "steps:".');
    return finish(bag, loader, undefined);
  }

  const declarations = readParameterDeclarations(findEntry(root, 'parameters')?.value, 'pipeline', (location) => location, bag);
  const runtime = bindRuntimeParameters(declarations, options.parameters ?? {}, bag, start);

  const scope: TemplateScope = {
    file,
    parameters: runtime.values,
    parameterNodes: runtime.nodes,
    variables: { ...(options.variables ?? {}) } as ExpressionObject,
    locals: {},
    localViews: new Map(),
    chain: [file],
  };

  const runner = new TemplateExpressionRunner(bag);
  const expander = new TemplateExpander(bag, runner);
  const references = new TemplateReferences(bag, loader, expander);

  let entries;
  try {
    entries = await references.expandPipeline(root, scope, 'copy');
  } catch (error) {
    // A stack overflow (RangeError) on pathological input becomes a diagnostic; other errors are bugs and propagate.
    if (!(error instanceof RangeError)) throw error;
    bag.error('TPL006', `template expansion ran out of stack space (${error.message})`, start, 'Reduce the nesting of templates, loops and conditions.');
    return finish(bag, loader, undefined);
  }

  const expanded: YamlMapping = { kind: 'mapping', entries, location: root.location };
  for (const entry of entries) {
    if (entry.key.text !== 'parameters') reportStrayReferences(entry.value, bag);
  }
  return finish(bag, loader, expanded);
}

/**
 * Reports `- template:` items that expansion left in place because they sit
 * in a list that is not steps, jobs, stages or variables.
 */
function reportStrayReferences(node: YamlNode, bag: DiagnosticBag): void {
  if (node.kind === 'scalar') return;
  if (node.kind === 'mapping') {
    for (const entry of node.entries) reportStrayReferences(entry.value, bag);
    return;
  }
  for (const item of node.items) {
    const reference = item.kind === 'mapping' ? findEntry(item, 'template') : undefined;
    if (reference) {
      bag.error(
        'TPL021',
        'a template reference is in a list that is not "steps", "jobs", "stages" or "variables", so it was not expanded',
        reference.key.location,
        'Move the "- template:" item into one of those lists, or insert it through a stepList, jobList or stageList parameter.',
      );
      continue;
    }
    reportStrayReferences(item, bag);
  }
}

async function readRootText(file: string, options: ExpandOptions): Promise<string> {
  const read = options.readFile ?? readTextFile;
  try {
    return await read(resolve(options.repositoryRoot, file));
  } catch {
    // Only the error display uses this text; expansion works on the parsed tree.
    return '';
  }
}

function finish(bag: DiagnosticBag, loader: TemplateFileLoader, root: YamlNode | undefined): ExpandResult {
  const diagnostics = [...bag.items];
  if (bag.dropped > 0) {
    diagnostics.push({
      code: 'TPL027',
      severity: 'error',
      message: `${bag.dropped} more problem(s) were found but not listed`,
      hint: 'Fix the problems above and expand again.',
    });
  }
  return { root, diagnostics, files: loader.files };
}
