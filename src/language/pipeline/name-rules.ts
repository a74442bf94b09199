import type { SourceLocation } from '../source-location.js';
import type { NormalizeContext } from './normalize-context.js';

/** Stage, job and deployment names: A-Z, a-z, 0-9 and `_` (YAML schema reference: stages.stage, jobs.job). */
const IDENTIFIER = /^[A-Za-z0-9_]+$/;

/** Matrix legs: basic Latin letters, digits and `_`, starting with a letter, at most 100 characters (YAML schema: jobs.job.strategy). */
const MATRIX_LEG = /^[A-Za-z][A-Za-z0-9_]*$/;
export const MAX_MATRIX_LEG_NAME_LENGTH = 100;

/** Step reference names (`name:`), as the Azure Pipelines language-server schema allows them. */
const STEP_NAME = /^[-_A-Za-z0-9]*$/;

/** Reports a stage, job or deployment name with characters Azure rejects; returns whether it is valid. */
export function checkIdentifier(name: string, kind: string, location: SourceLocation, context: NormalizeContext): boolean {
  if (IDENTIFIER.test(name) || name.includes('${{')) return true;
  context.error('PIPE005', `invalid ${kind} name "${name}": use only A-Z, a-z, 0-9 and _`, location,
    `Rename the ${kind}, for example "${name.replace(/[^A-Za-z0-9_]/g, '_') || kind}", and put the readable text in "displayName".`);
  return false;
}

/** Reports an invalid matrix leg name. */
export function checkMatrixLegName(name: string, location: SourceLocation, context: NormalizeContext): void {
  if (name.length > MAX_MATRIX_LEG_NAME_LENGTH) {
    context.error('PIPE010', `matrix leg name "${name}" is ${name.length} characters long; the limit is ${MAX_MATRIX_LEG_NAME_LENGTH}`,
      location, 'Shorten the leg name.');
    return;
  }
  if (name.trim() === '') {
    context.error('PIPE010', 'a matrix leg has an empty name', location, 'Name the leg, for example "py310".');
    return;
  }
  // NOTE: Azure Pipelines runs many public pipelines whose leg names contain spaces, "-" or "."
  // although the schema reference forbids them, so those are warnings, not errors.
  if (!MATRIX_LEG.test(name)) {
    context.warning('PIPE010', `matrix leg name "${name}" breaks the documented rule: letters, digits and _, starting with a letter`,
      location, 'Rename the leg, for example "py310" instead of "3.10"; other tools may reject this name.');
  }
}

/** Reports a step `name:` that cannot be used to reference the step's output variables. */
export function checkStepName(name: string, location: SourceLocation, context: NormalizeContext): void {
  if (STEP_NAME.test(name)) return;
  context.error('PIPE019', `invalid step name "${name}": use only A-Z, a-z, 0-9, - and _`, location,
    'Put readable text in "displayName" and keep "name" an identifier.');
}

/**
 * Reports each name after its first use in one scope with `code`.
 * `scope` names the container in the message ("stage \"Build\"").
 */
export function checkUniqueNames(
  names: { name: string; location: SourceLocation }[],
  kind: string,
  scope: string,
  code: 'PIPE007' | 'PIPE008' | 'PIPE009',
  context: NormalizeContext,
): void {
  const seen = new Map<string, SourceLocation>();
  for (const { name, location } of names) {
    const key = name.toLowerCase();
    const first = seen.get(key);
    if (first) {
      context.error(code, `duplicate ${kind} name "${name}" in ${scope}; the first is at line ${first.line}`, location,
        `Give each ${kind} in ${scope} its own name.`);
      continue;
    }
    seen.set(key, location);
  }
}
