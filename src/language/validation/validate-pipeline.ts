import { DiagnosticBag, type Diagnostic } from '../diagnostic.js';
import type { PipelineDefinition } from '../pipeline/pipeline-model.js';
import { checkConstantConditions } from './check-constant-conditions.js';
import { checkDependencies } from './check-dependencies.js';
import { checkLocalFeatures } from './check-local-features.js';
import { checkMacroReferences } from './check-macro-references.js';
import { checkRuntimeExpressions } from './check-runtime-expressions.js';
import { uniqueDiagnostics } from '../unique-diagnostics.js';

/** Names the local machine defines, so the features it provides are not reported. */
export interface ValidatePipelineOptions {
  /** Variable group names with a local definition (`--variable-group`); compared case-insensitively. */
  knownVariableGroups?: string[];
  /** Service connection names with a local definition; compared case-insensitively. */
  knownServiceConnections?: string[];
  /**
   * Variable names given outside the YAML (`--variable`, `--secret`, the
   * variables of `--variable-group` files); `$(name)` of these is not reported.
   * Compared case-insensitively.
   */
  knownVariables?: string[];
}

/**
 * Checks a normalised (and template-expanded) pipeline beyond its syntax and
 * returns warnings from the VAL catalogue. They cover features Azure Pipelines
 * accepts that a local run cannot provide, and likely mistakes such as undefined
 * macros, constant conditions and output references that stay empty. These are
 * warnings, because Azure would accept the pipeline. The exception is a syntax
 * error in a `$[ ]` runtime expression: it is an error (EXPR code), because the
 * stage or job holding it cannot run.
 */
export function validatePipeline(definition: PipelineDefinition, options: ValidatePipelineOptions = {}): Diagnostic[] {
  const bag = new DiagnosticBag();
  const lowered = (names: string[] | undefined): ReadonlySet<string> => new Set((names ?? []).map((name) => name.toLowerCase()));

  checkLocalFeatures(
    definition,
    { knownVariableGroups: lowered(options.knownVariableGroups), knownServiceConnections: lowered(options.knownServiceConnections) },
    bag,
  );
  checkMacroReferences(definition, bag, lowered(options.knownVariables), lowered(options.knownVariableGroups));
  checkRuntimeExpressions(definition, bag);
  checkConstantConditions(definition, bag);
  checkDependencies(definition, bag);

  const diagnostics = uniqueDiagnostics(bag.items);
  if (bag.dropped > 0) {
    diagnostics.push({ code: 'VAL000', severity: 'warning', message: `${bag.dropped} more validation warnings were not listed` });
  }
  return diagnostics;
}
