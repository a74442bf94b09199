import type { DiagnosticBag } from '../diagnostic.js';
import type { SourceLocation } from '../source-location.js';
import type { YamlMapping, YamlMappingEntry, YamlNode, YamlScalar } from '../yaml/yaml-node.js';
import { findEntry } from '../yaml/yaml-node.js';
import { bindParameters, type PassedParameters } from './bind-parameters.js';
import { listKindOfKey, type ListKind, type TemplateExpander } from './template-expander.js';
import type { TemplateFileInfo, TemplateFileLoader } from './template-files.js';
import { MAX_TEMPLATE_DEPTH } from './template-limits.js';
import { isLegacyParameterBlock, readParameterDeclarations } from './template-parameters.js';
import { relocate, type TemplateScope } from './template-scope.js';

/** A template file loaded for one reference, with the scope its body expands in. */
interface IncludedTemplate {
  info: TemplateFileInfo;
  root: YamlMapping;
  scope: TemplateScope;
}

/**
 * Expands `- template:` items and `extends:`: resolves the path, checks the
 * include chain and the limits, binds parameters, and expands the body.
 */
export class TemplateReferences {
  constructor(
    private readonly bag: DiagnosticBag,
    private readonly loader: TemplateFileLoader,
    private readonly expander: TemplateExpander,
  ) {
    expander.expandReference = (item, scope, listKind, finished, out) => this.expandListReference(item, scope, listKind, finished, out);
  }

  /**
   * Expands a `- template:` item of a steps, jobs, stages or variables list
   * into `out`. `finished` items come from parameter values: their path and
   * parameters are already evaluated, and their path is relative to the file
   * they were written in.
   */
  async expandListReference(item: YamlMapping, scope: TemplateScope, listKind: ListKind, finished: boolean, out: YamlNode[]): Promise<void> {
    const place = (location: SourceLocation) => (finished ? location : relocate(scope, location));
    for (const entry of item.entries) {
      if (entry.key.text === 'template' || entry.key.text === 'parameters') continue;
      this.bag.error('TPL019', `unexpected key "${entry.key.text}" next to "template"`, place(entry.key.location), 'A template reference takes only "template:" and "parameters:"; move other settings into the template.');
    }

    const templateEntry = findEntry(item, 'template') as YamlMappingEntry;
    const included = await this.include(templateEntry, findEntry(item, 'parameters')?.value, scope, finished);
    if (!included) return;

    const body: YamlMappingEntry[] = [];
    await this.expander.expandMappingInto(included.root, included.scope, body, 'skip');

    for (const entry of body) {
      if (entry.key.text === listKind) continue;
      this.bag.error(
        'TPL020',
        `template "${included.info.name}" is used in a ${listKind} list, so it may contain only "parameters" and "${listKind}", but it contains "${entry.key.text}"`,
        entry.key.location,
        listKindOfKey(entry.key.text) ? `Reference this template from a "${entry.key.text}" list instead.` : `Remove "${entry.key.text}" from the template.`,
      );
    }

    const content = body.find((entry) => entry.key.text === listKind)?.value;
    if (!content || (content.kind === 'scalar' && content.tag === 'null')) return;
    if (content.kind === 'sequence') {
      out.push(...content.items);
      return;
    }
    if (listKind === 'variables' && content.kind === 'mapping') {
      out.push(...content.entries.map((entry) => variableItem(entry)));
      return;
    }
    this.bag.error('TPL020', `"${listKind}" in template "${included.info.name}" must be a list`, content.location, `Write each item of "${listKind}" as a list item starting with "-".`);
  }

  /**
   * Expands an `extends:` value and returns the entries of the extended
   * template's pipeline (without its `parameters`), including what that
   * template itself extends.
   */
  async expandExtends(value: YamlNode, scope: TemplateScope): Promise<YamlMappingEntry[]> {
    const location = relocate(scope, value.location);
    if (value.kind !== 'mapping' || !findEntry(value, 'template')) {
      this.bag.error('TPL023', '"extends" must be a mapping with "template:" and optional "parameters:"', location, 'Write "extends:" followed by an indented "template: path.yml".');
      return [];
    }
    for (const entry of value.entries) {
      if (entry.key.text === 'template' || entry.key.text === 'parameters') continue;
      this.bag.error('TPL023', `unexpected key "${entry.key.text}" in "extends"`, relocate(scope, entry.key.location), '"extends" takes only "template:" and "parameters:".');
    }

    const templateEntry = findEntry(value, 'template') as YamlMappingEntry;
    const included = await this.include(templateEntry, findEntry(value, 'parameters')?.value, scope, false);
    if (!included) return [];
    return this.expandPipeline(included.root, included.scope, 'skip');
  }

  /**
   * Expands a pipeline-shaped mapping (the pipeline file or an extends
   * template): every key but `extends`, then the extended template's keys merged in.
   */
  async expandPipeline(root: YamlMapping, scope: TemplateScope, declarations: 'copy' | 'skip'): Promise<YamlMappingEntry[]> {
    const extendsEntry = findEntry(root, 'extends');
    const withoutExtends: YamlMapping = { ...root, entries: root.entries.filter((entry) => entry !== extendsEntry) };

    const entries: YamlMappingEntry[] = [];
    const after = await this.expander.expandMappingInto(withoutExtends, scope, entries, declarations);
    if (!extendsEntry) return entries;

    const extended = await this.expandExtends(extendsEntry.value, after);
    return mergePipelineEntries(entries, extended, this.bag);
  }

  /** Resolves, checks and loads the template of a reference, and binds its parameters. */
  private async include(templateEntry: YamlMappingEntry, passed: YamlNode | undefined, scope: TemplateScope, finished: boolean): Promise<IncludedTemplate | undefined> {
    const referenceLocation = finished ? templateEntry.key.location : relocate(scope, templateEntry.key.location);
    const pathNode = templateEntry.value;
    if (pathNode.kind !== 'scalar' || pathNode.text.trim() === '') {
      this.bag.error('TPL019', '"template" must be the path of a YAML file', referenceLocation, 'Write the path, such as "template: templates/build.yml".');
      return undefined;
    }

    const pathText = finished ? pathNode.text : this.expander.expandText(pathNode, scope);
    if (pathText === undefined) return undefined;

    const fromFile = finished ? templateEntry.key.location.file : scope.file;
    const info = this.loader.resolve(pathText, fromFile, referenceLocation);
    if (!info) return undefined;
    if (!this.checkChain(info, scope, referenceLocation)) return undefined;

    const root = await this.loader.load(info, referenceLocation);
    if (!root) return undefined;
    if (root.kind !== 'mapping') {
      this.bag.error('TPL020', `template "${info.name}" must be a mapping with "parameters:" and the content it provides`, { ...root.location, includedFrom: referenceLocation }, 'Start the template with "parameters:" or with "steps:", "jobs:", "stages:" or "variables:".');
      return undefined;
    }

    const relocateInTemplate = (location: SourceLocation): SourceLocation => ({ ...location, includedFrom: referenceLocation });
    const block = findEntry(root, 'parameters')?.value;
    const declarations = readParameterDeclarations(block, 'template', relocateInTemplate, this.bag);
    const bound = await bindParameters({
      bag: this.bag,
      expander: this.expander,
      declarations,
      legacy: isLegacyParameterBlock(block),
      passed: this.passedParameters(passed, scope, finished),
      callerScope: scope,
      templateName: info.name,
      referenceLocation,
    });

    const templateScope: TemplateScope = {
      file: info.name,
      includedFrom: referenceLocation,
      parameters: bound.values,
      parameterNodes: bound.nodes,
      variables: scope.variables,
      locals: {},
      localViews: new Map(),
      chain: [...scope.chain, info.name],
    };
    return { info, root, scope: templateScope };
  }

  private passedParameters(passed: YamlNode | undefined, scope: TemplateScope, finished: boolean): PassedParameters | undefined {
    if (!passed || (passed.kind === 'scalar' && passed.tag === 'null')) return undefined;
    return { node: passed, finished };
  }

  /** Rejects self-inclusion and nesting past MAX_TEMPLATE_DEPTH. */
  private checkChain(info: TemplateFileInfo, scope: TemplateScope, location: SourceLocation): boolean {
    if (scope.chain.includes(info.name)) {
      const cycle = [...scope.chain.slice(scope.chain.indexOf(info.name)), info.name].join(' → ');
      this.bag.error('TPL004', `template "${info.name}" includes itself: ${cycle}`, location, 'Remove the reference that closes the cycle; Azure Pipelines rejects recursive templates.');
      return false;
    }
    // The pipeline file is level 0, so the chain has one more file than the nesting depth.
    if (scope.chain.length > MAX_TEMPLATE_DEPTH) {
      this.bag.error('TPL006', `templates are nested more than ${MAX_TEMPLATE_DEPTH} levels deep (Azure Pipelines' limit) at "${info.name}"`, location, 'Flatten the chain of templates that include templates.');
      return false;
    }
    return true;
  }
}

/** Turns `name: value` of a mapping-form variables template into a list item. */
function variableItem(entry: YamlMappingEntry): YamlNode {
  const nameKey: YamlScalar = { kind: 'scalar', text: 'name', tag: 'str', style: 'plain', location: entry.key.location };
  const valueKey: YamlScalar = { kind: 'scalar', text: 'value', tag: 'str', style: 'plain', location: entry.value.location };
  return {
    kind: 'mapping',
    entries: [
      { key: nameKey, value: entry.key },
      { key: valueKey, value: entry.value },
    ],
    location: entry.key.location,
  };
}

/**
 * Merges the keys an extends template provides into the pipeline's own keys.
 * `resources` lists and `variables` are combined; any other key defined on both
 * sides is an error.
 */
function mergePipelineEntries(own: YamlMappingEntry[], extended: YamlMappingEntry[], bag: DiagnosticBag): YamlMappingEntry[] {
  const merged = [...own];
  for (const entry of extended) {
    const index = merged.findIndex((candidate) => candidate.key.text === entry.key.text);
    if (index < 0) {
      merged.push(entry);
      continue;
    }

    const existing = merged[index];
    const combined = combineValues(entry.key.text, existing.value, entry.value);
    if (combined) {
      merged[index] = { key: existing.key, value: combined };
      continue;
    }
    bag.error(
      'TPL023',
      `both the pipeline and the template it extends define "${entry.key.text}" (the pipeline at ${existing.key.location.file}:${existing.key.location.line})`,
      entry.key.location,
      `Keep "${entry.key.text}" in one of the two files.`,
    );
  }
  return merged;
}

function combineValues(key: string, own: YamlNode, extended: YamlNode): YamlNode | undefined {
  if (key === 'variables') {
    const items = [...variableItems(own), ...variableItems(extended)];
    return { kind: 'sequence', items, location: own.location };
  }
  if (key === 'resources' && own.kind === 'mapping' && extended.kind === 'mapping') {
    const entries = [...own.entries];
    for (const entry of extended.entries) {
      const index = entries.findIndex((candidate) => candidate.key.text === entry.key.text);
      const existing = entries[index];
      if (index >= 0 && existing.value.kind === 'sequence' && entry.value.kind === 'sequence') {
        entries[index] = { key: existing.key, value: { ...existing.value, items: [...existing.value.items, ...entry.value.items] } };
      } else if (index < 0) {
        entries.push(entry);
      } else {
        return undefined;
      }
    }
    return { ...own, entries };
  }
  return undefined;
}

function variableItems(node: YamlNode): YamlNode[] {
  if (node.kind === 'sequence') return node.items;
  if (node.kind === 'mapping') return node.entries.map(variableItem);
  return [];
}
