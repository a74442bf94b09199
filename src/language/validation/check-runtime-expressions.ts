import type { DiagnosticBag } from '../diagnostic.js';
import { parseExpression } from '../expressions/parse-expression.js';
import { matchRuntimeExpression } from '../expressions/runtime-expression.js';
import type { PipelineDefinition, VariableDefinition } from '../pipeline/pipeline-model.js';
import type { SourceLocation } from '../source-location.js';

/**
 * Parses every `$[ ]` runtime expression of the pipeline (variable values at
 * each scope, a runtime `strategy.matrix`, a job's `container:` and
 * `continueOnError:`) and reports its syntax errors with their EXPR codes.
 * These are errors, not warnings: the expression cannot be evaluated, so the
 * stage or job that contains it would fail before running anything. Evaluation errors (an unknown variable, a wrong type)
 * depend on run-time values and are left to the run.
 */
export function checkRuntimeExpressions(definition: PipelineDefinition, bag: DiagnosticBag): void {
  checkVariables(definition.variables, bag);
  for (const stage of definition.stages) {
    checkVariables(stage.variables, bag);
    for (const job of stage.jobs) {
      checkVariables(job.variables, bag);
      const matrix = job.strategy?.matrix;
      if (matrix !== undefined && 'location' in matrix && typeof matrix.value === 'string') {
        checkText(matrix.value as string, matrix.location as SourceLocation, bag);
      }
      if (job.continueOnErrorExpression) checkText(job.continueOnErrorExpression.value, job.continueOnErrorExpression.location, bag);
      const container = job.container;
      if (container !== undefined && !('alias' in container)) checkText(container.value, container.location, bag);
    }
  }
}

function checkVariables(variables: readonly VariableDefinition[], bag: DiagnosticBag): void {
  for (const variable of variables) {
    if (variable.kind === 'variable') checkText(variable.value, variable.expressionLocation ?? variable.location, bag);
  }
}

function checkText(text: string, location: SourceLocation, bag: DiagnosticBag): void {
  const inner = matchRuntimeExpression(text);
  if (inner === undefined) return;
  // The orchestrator evaluates with the same base location, so run-time and validation positions agree.
  for (const diagnostic of parseExpression(inner, { location }).diagnostics) {
    bag.add({ ...diagnostic, severity: 'error', message: `${diagnostic.message} (in '${text.trim()}')` });
  }
}
