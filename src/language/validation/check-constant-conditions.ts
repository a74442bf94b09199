import type { DiagnosticBag } from '../diagnostic.js';
import type { ExpressionNode } from '../expressions/expression-ast.js';
import { evaluateExpression } from '../expressions/evaluate-expression.js';
import { parseExpression } from '../expressions/parse-expression.js';
import { castToBoolean } from '../expressions/type-conversion.js';
import type { PipelineDefinition } from '../pipeline/pipeline-model.js';
import type { Located } from '../source-location.js';
import { describeStep, stepsOfJob } from './job-steps.js';
import { jobLabel } from './job-label.js';

/** Functions whose result depends on the run, not on the text (learn.microsoft.com …/process/expressions, "Job status check functions"). */
const RUN_DEPENDENT_FUNCTIONS: ReadonlySet<string> = new Set(['always', 'canceled', 'failed', 'succeeded', 'succeededorfailed', 'counter']);

/**
 * Reports conditions whose value is fixed as written (VAL007): a literal such
 * as `false`, or calls such as `eq('a', 'a')` that read no named value
 * (variables, dependencies, …) and no job status. Conditions that do not parse
 * are left to the expression checks.
 */
export function checkConstantConditions(definition: PipelineDefinition, bag: DiagnosticBag): void {
  for (const stage of definition.stages) {
    if (stage.condition) checkCondition(stage.condition, `stage '${stage.name}'`, bag);
    for (const job of stage.jobs) {
      if (job.condition) checkCondition(job.condition, `job ${jobLabel(stage, job)}`, bag);
      for (const [index, step] of stepsOfJob(job).entries()) {
        if (step.condition) checkCondition(step.condition, `step ${describeStep(step, index)} of job ${jobLabel(stage, job)}`, bag);
      }
    }
  }
}

/** Returns the fixed value of a condition text, or undefined when it depends on the run or does not parse. */
export function constantConditionValue(text: string): boolean | undefined {
  if (text.trim() === '') return undefined;
  const parsed = parseExpression(text);
  if (!parsed.ast || !isConstant(parsed.ast)) return undefined;
  try {
    return castToBoolean(evaluateExpression(parsed.ast, { mode: 'condition', namedValues: {} }));
  } catch {
    // An evaluation error (for example a bad conversion) is reported when the run evaluates the condition.
    return undefined;
  }
}

function checkCondition(condition: Located<string>, owner: string, bag: DiagnosticBag): void {
  const value = constantConditionValue(condition.value);
  if (value === undefined) return;

  const hint = value
    ? 'A condition replaces the default succeeded(), so this one also runs after failures and when the run is canceled. Write always() if that is intended; otherwise test a variable, for example eq(variables[\'Build.SourceBranch\'], \'refs/heads/main\').'
    : 'Remove the item, or use "enabled: false" on a step, if it should never run; otherwise test a variable instead of fixed values.';
  bag.warning(
    'VAL007',
    `the condition '${condition.value.trim()}' of ${owner} is always ${value} as written, because it reads no variable, dependency or job status`,
    condition.location,
    hint,
  );
}

function isConstant(node: ExpressionNode): boolean {
  switch (node.kind) {
    case 'literal':
      return true;
    case 'namedValue':
      return false;
    case 'property':
    case 'filter':
      return isConstant(node.target);
    case 'index':
      return isConstant(node.target) && isConstant(node.index);
    case 'call':
      return !RUN_DEPENDENT_FUNCTIONS.has(node.name.toLowerCase()) && node.args.every(isConstant);
  }
}
