// Output variable syntax: learn.microsoft.com/azure/devops/pipelines/process/expressions
// ("Dependencies") and …/process/variables ("Use outputs in a different job/stage").

/** One `dependencies.X.outputs['…']` or `stageDependencies.S.J.outputs['…']` in an expression. */
export interface OutputReference {
  kind: 'dependencies' | 'stageDependencies';
  /** `dependencies`: the job (at job level) or stage (at stage level). `stageDependencies`: the stage. */
  first: string;
  /** `stageDependencies` only: the job. */
  second?: string;
  /** The key inside `outputs[...]`, such as `step.var` or `job.step.var`. */
  key: string;
  /** Offset of the reference in the text. */
  offset: number;
}

const NAME = String.raw`(?:\.([A-Za-z0-9_]+)|\[\s*'([^']+)'\s*\])`;
const OUTPUTS = String.raw`\s*\.\s*outputs\s*\[\s*'([^']*)'\s*\]`;
const DEPENDENCIES = new RegExp(String.raw`(?<![A-Za-z0-9_.])dependencies${NAME}${OUTPUTS}`, 'gi');
const STAGE_DEPENDENCIES = new RegExp(String.raw`(?<![A-Za-z0-9_.])stageDependencies${NAME}${NAME}${OUTPUTS}`, 'gi');

/**
 * Finds output references in an expression text, in both the property form
 * (`dependencies.A.outputs['s.v']`) and the index form (`dependencies['A'].outputs['s.v']`).
 */
export function findOutputReferences(text: string): OutputReference[] {
  const references: OutputReference[] = [];
  for (const match of text.matchAll(DEPENDENCIES)) {
    references.push({ kind: 'dependencies', first: match[1] ?? match[2]!, key: match[3]!, offset: match.index });
  }
  for (const match of text.matchAll(STAGE_DEPENDENCIES)) {
    references.push({ kind: 'stageDependencies', first: match[1] ?? match[2]!, second: match[3] ?? match[4]!, key: match[5]!, offset: match.index });
  }
  return references.sort((a, b) => a.offset - b.offset);
}

/** Returns the step name inside an output key: the segment before the variable name, or undefined for a bare name. */
export function outputKeyStep(key: string): string | undefined {
  const segments = key.split('.');
  return segments.length >= 2 ? segments[segments.length - 2] : undefined;
}
