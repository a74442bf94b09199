import type { DiagnosticBag } from '../diagnostic.js';
import type { SourceLocation } from '../source-location.js';
import { loadYaml } from '../yaml/load-yaml.js';
import type { YamlNode } from '../yaml/yaml-node.js';
import { bindOne, type BoundParameters } from './bind-parameters.js';
import type { ParameterDeclaration } from './template-parameters.js';
import { stringNode } from './template-values.js';

const SCALAR_TYPES = new Set(['string', 'number', 'boolean', 'filePath', 'secureFile', 'serviceConnection', 'environment', 'pool', 'container']);

/**
 * Gives each root-level (runtime) parameter its value: the one given with
 * `--parameter name=value`, else the default, else the first of `values`
 * (learn.microsoft.com …/process/runtime-parameters: "if you don't assign a
 * default …, the first available value is used"). Values of structured types
 * are parsed as YAML, so JSON works too.
 */
export function bindRuntimeParameters(
  declarations: ParameterDeclaration[],
  given: Record<string, string>,
  bag: DiagnosticBag,
  pipelineLocation: SourceLocation,
): BoundParameters {
  const bound: BoundParameters = { values: {}, nodes: new Map() };
  const used = new Set<string>();

  for (const declaration of declarations) {
    const givenName = Object.keys(given).find((name) => name.toLowerCase() === declaration.name.toLowerCase());
    if (givenName !== undefined) {
      used.add(givenName);
      const node = parseGivenValue(declaration, given[givenName], bag);
      if (node) bindOne(declaration, node, bound, bag, `the pipeline (given with --parameter ${givenName}=…)`);
      continue;
    }

    const fallback = declaration.default ?? declaration.values?.[0];
    if (!fallback) {
      bag.error(
        'TPL018',
        `runtime parameter "${declaration.name}" has no default, so a value must be given`,
        declaration.location,
        `Pass --parameter ${declaration.name}=VALUE, or add "default:" to the declaration.`,
      );
      continue;
    }
    bindOne(declaration, fallback, bound, bag, 'the pipeline');
  }

  for (const name of Object.keys(given)) {
    if (used.has(name)) continue;
    const declared = declarations.map((declaration) => declaration.name);
    bag.error(
      'TPL022',
      `--parameter ${name}=… names a parameter that the pipeline does not declare`,
      pipelineLocation,
      declared.length > 0 ? `Declared runtime parameters: ${declared.join(', ')}.` : 'The pipeline declares no runtime parameters under a root-level "parameters:".',
    );
  }
  return bound;
}

function parseGivenValue(declaration: ParameterDeclaration, text: string, bag: DiagnosticBag): YamlNode | undefined {
  const location: SourceLocation = { ...declaration.location };
  if (SCALAR_TYPES.has(declaration.type)) return { ...stringNode(text, location), tag: 'str' };

  const source = `--parameter ${declaration.name}`;
  const parsed = loadYaml(text, source);
  if (parsed.diagnostics.length > 0) {
    const first = parsed.diagnostics[0];
    bag.error(
      'TPL022',
      `the value of --parameter ${declaration.name} is not valid YAML or JSON: ${first.message}`,
      declaration.location,
      `Quote the value for your shell, as in --parameter '${declaration.name}=[a, b]'.`,
    );
    return undefined;
  }
  const root = parsed.root ?? { ...stringNode('', location), tag: 'null' as const };
  return relocateTree(root, location);
}

/** Places every node of a command-line value at the parameter's declaration. */
function relocateTree(node: YamlNode, location: SourceLocation): YamlNode {
  if (node.kind === 'scalar') return { ...node, location };
  if (node.kind === 'sequence') return { ...node, items: node.items.map((item) => relocateTree(item, location)), location };
  return { ...node, entries: node.entries.map((entry) => ({ key: { ...entry.key, location }, value: relocateTree(entry.value, location) })), location };
}
