import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../../../src/language/diagnostic.js';
import { formatLocation, type SourceLocation } from '../../../src/language/source-location.js';
import { expandTemplates, type ExpandOptions, type ExpandResult } from '../../../src/language/templates/expand-templates.js';
import { loadYaml } from '../../../src/language/yaml/load-yaml.js';
import type { YamlNode } from '../../../src/language/yaml/yaml-node.js';
import { createTempRepository } from '../../helpers/temp-repository.js';

/** Settings of a golden case, read from its optional `case.json`. */
export interface CaseSettings {
  /** The pipeline file inside the case folder; `azure-pipelines.yml` by default. */
  pipeline?: string;
  parameters?: Record<string, string>;
  variables?: Record<string, string>;
  /** Repository aliases mapped to folders relative to the case folder. */
  repositories?: Record<string, string>;
  /** The repository root relative to the case folder; the case folder by default. */
  repositoryRoot?: string;
}

/** One expected diagnostic: code, `file:line:col`, and the include chain outward. */
export interface ExpectedDiagnostic {
  code: string;
  at: string;
  includedFrom?: string[];
  /** A fragment the message must contain. */
  message?: string;
}

/** Loads and expands a pipeline file of a folder with real files. */
export async function expandFolder(folder: string, settings: CaseSettings = {}): Promise<ExpandResult & { loadDiagnostics: Diagnostic[] }> {
  const repositoryRoot = path.resolve(folder, settings.repositoryRoot ?? '.');
  const pipeline = settings.pipeline ?? 'azure-pipelines.yml';
  const text = await readFile(path.join(repositoryRoot, pipeline), 'utf8');
  const loaded = loadYaml(text, pipeline);
  if (!loaded.root) throw new Error(`${pipeline} in ${folder} is empty`);

  const repositories: Record<string, string> = {};
  for (const [alias, relative] of Object.entries(settings.repositories ?? {})) repositories[alias] = path.resolve(folder, relative);

  const options: ExpandOptions = { repositoryRoot, repositories, parameters: settings.parameters, variables: settings.variables, text };
  const result = await expandTemplates(loaded.root, pipeline, options);
  return { ...result, loadDiagnostics: loaded.diagnostics };
}

/** Describes a diagnostic in the shape of an expected-errors.json entry. */
export function describeDiagnostic(diagnostic: Diagnostic): ExpectedDiagnostic {
  const described: ExpectedDiagnostic = { code: diagnostic.code, at: diagnostic.location ? formatLocation(diagnostic.location) : '' };
  const chain: string[] = [];
  for (let outer: SourceLocation | undefined = diagnostic.location?.includedFrom; outer; outer = outer.includedFrom) chain.push(formatLocation(outer));
  if (chain.length > 0) described.includedFrom = chain;
  return described;
}

/**
 * Writes the files into a fresh repository folder, expands `azure-pipelines.yml`
 * and removes the folder again.
 */
export async function expandFiles(
  files: Record<string, string>,
  options: Omit<ExpandOptions, 'repositoryRoot'> = {},
): Promise<ExpandResult & { loadDiagnostics: Diagnostic[] }> {
  const repository = createTempRepository(files, { commit: false });
  try {
    const text = files['azure-pipelines.yml'];
    const loaded = loadYaml(text, 'azure-pipelines.yml');
    if (!loaded.root) throw new Error('azure-pipelines.yml is empty');
    const result = await expandTemplates(loaded.root, 'azure-pipelines.yml', { ...options, repositoryRoot: repository.path, text });
    return { ...result, loadDiagnostics: loaded.diagnostics };
  } finally {
    repository.remove();
  }
}

/** Follows keys and indexes from a node; throws when the path does not exist. */
export function nodeAt(node: YamlNode | undefined, ...steps: (string | number)[]): YamlNode {
  let current = node;
  for (const step of steps) {
    if (current?.kind === 'mapping' && typeof step === 'string') current = current.entries.find((entry) => entry.key.text === step)?.value;
    else if (current?.kind === 'sequence' && typeof step === 'number') current = current.items[step];
    else current = undefined;
    if (!current) throw new Error(`no "${String(step)}" on the path ${steps.join('.')}`);
  }
  if (!current) throw new Error('no node');
  return current;
}

/** Returns the include chain of a location as `file:line:col` strings, innermost first. */
export function chainOf(location: SourceLocation): string[] {
  const chain: string[] = [];
  for (let current: SourceLocation | undefined = location; current; current = current.includedFrom) chain.push(formatLocation(current));
  return chain;
}
