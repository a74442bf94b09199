import type { DiagnosticBag } from '../diagnostic.js';
import type { JobDefinition, PipelineDefinition, StageDefinition, StepDefinition, VariableDefinition } from '../pipeline/pipeline-model.js';
import { nearestKey } from '../pipeline/node-reader.js';
import { findMacroReferences } from '../variables/macro-expansion.js';
import { describeStep, stepScriptTexts, stepsOfJob } from './job-steps.js';
import { jobLabel } from './job-label.js';
import { findPredefinedVariable } from './predefined-variable-names.js';
import { findSetVariableCommands } from './set-variable-commands.js';

/** Variable names as Azure allows them: letters, digits, `.` and `_` (learn.microsoft.com …/process/variables). */
const VARIABLE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._]*$/;

/**
 * A lower-case word without dots, as in `$(pwd)` or `$(nproc)`. In a script this is
 * more often a shell command substitution, which Azure leaves for the shell when no
 * variable has that name, so it is reported only when it resembles a defined name
 * or a later step sets it.
 */
const SHELL_COMMAND_LIKE = /^[a-z][a-z0-9_-]*$/;

/** Names a job can see before its first step runs, and whether that set is complete. */
interface JobScope {
  names: Map<string, string>;
  /** False when a variable group or a runtime matrix may add names that validation cannot list. */
  complete: boolean;
}

/**
 * Reports `$(name)` macros in steps (script, inputs, env, displayName,
 * workingDirectory) that no scope defines (VAL006). A name counts as defined
 * when the pipeline, stage or job variables, a matrix leg or the predefined
 * variables define it. It also counts when an earlier step of the job sets it
 * with `##vso[task.setvariable]`, and `$(step.name)` counts when `step` is an
 * earlier named step, and names in `knownNames` (lower case: values given on the
 * command line) always count. A job that uses a variable group missing from
 * `knownGroups` is not checked, because the group may define any name. Azure leaves an undefined macro as literal text, so these are warnings.
 */
export function checkMacroReferences(
  definition: PipelineDefinition,
  bag: DiagnosticBag,
  knownNames: ReadonlySet<string> = new Set(),
  knownGroups: ReadonlySet<string> = new Set(),
): void {
  const found: UndefinedReference[] = [];
  for (const stage of definition.stages) {
    for (const job of stage.jobs) {
      const scope = jobScope(definition, stage, job, knownGroups);
      if (!scope.complete) continue;
      for (const name of knownNames) if (!scope.names.has(name)) scope.names.set(name, name);
      checkJobSteps(stage, job, scope.names, found);
    }
  }
  for (const group of groupBySite(found)) reportUndefined(group, bag);
}

/**
 * Groups references to one name in one field of one written step. A step of a
 * template that several jobs include is checked once per job, so its mistake is
 * reported once, naming those jobs.
 */
function groupBySite(references: readonly UndefinedReference[]): UndefinedReference[][] {
  const groups = new Map<string, UndefinedReference[]>();
  for (const reference of references) {
    const location = reference.step.location;
    const key = [location.file, location.line, location.column, reference.field, reference.name.toLowerCase(), reference.setter ?? ''].join('\u0000');
    const group = groups.get(key);
    if (group) group.push(reference);
    else groups.set(key, [reference]);
  }
  return [...groups.values()];
}

function jobScope(definition: PipelineDefinition, stage: StageDefinition, job: JobDefinition, knownGroups: ReadonlySet<string>): JobScope {
  const names = new Map<string, string>();
  let complete = true;
  const add = (variables: readonly VariableDefinition[]): void => {
    for (const variable of variables) {
      // A group given on the command line has its names among the known names.
      if (variable.kind === 'group') complete &&= knownGroups.has(variable.name.toLowerCase());
      else names.set(variable.name.toLowerCase(), variable.name);
    }
  };
  add(definition.variables);
  add(stage.variables);
  add(job.variables);

  const matrix = job.strategy?.matrix;
  if (matrix !== undefined && 'location' in matrix && typeof matrix.value === 'string') {
    complete = false;
  } else if (matrix !== undefined) {
    for (const leg of Object.values(matrix as Record<string, Record<string, string>>)) {
      for (const name of Object.keys(leg)) names.set(name.toLowerCase(), name);
    }
  }
  return { names, complete };
}

function checkJobSteps(stage: StageDefinition, job: JobDefinition, initial: Map<string, string>, found: UndefinedReference[]): void {
  const names = new Map(initial);
  const stepNames = new Set<string>();
  const steps = stepsOfJob(job);
  const setters = laterSetters(steps);

  for (const [index, step] of steps.entries()) {
    const seen = new Set<string>();
    for (const field of macroFields(step)) {
      for (const reference of findMacroReferences(field.text)) {
        const name = reference.name;
        if (!VARIABLE_NAME.test(name) || seen.has(name.toLowerCase())) continue;
        if (isDefined(name, names, stepNames)) continue;
        const suggestion = nearestKey(name, [...names.values()]);
        const laterSetter = setters.get(name.toLowerCase())?.find((setterIndex) => setterIndex >= index);
        if (field.isScript && SHELL_COMMAND_LIKE.test(name) && suggestion === undefined && laterSetter === undefined) continue;
        seen.add(name.toLowerCase());
        const setter = laterSetter === undefined ? undefined : describeStep(steps[laterSetter]!, laterSetter);
        found.push({ name, field: field.label, step, index, stage, job, suggestion, setter });
      }
    }

    // Variables set by this step are visible from the next step on (learn.microsoft.com …/process/variables).
    for (const text of stepScriptTexts(step)) {
      for (const command of findSetVariableCommands(text)) {
        // A name built at run time could be anything, so later references are not checked.
        if (command.dynamic) return;
        names.set(command.name.toLowerCase(), command.name);
      }
    }
    if (step.name) stepNames.add(step.name.toLowerCase());
  }
}

function isDefined(name: string, names: Map<string, string>, stepNames: Set<string>): boolean {
  const key = name.toLowerCase();
  if (names.has(key) || findPredefinedVariable(name) !== undefined) return true;
  const dot = key.indexOf('.');
  return dot > 0 && stepNames.has(key.slice(0, dot));
}

interface UndefinedReference {
  name: string;
  field: string;
  step: StepDefinition;
  index: number;
  stage: StageDefinition;
  job: JobDefinition;
  suggestion?: string;
  /** The step that sets the variable, when only this step or a later one does. */
  setter?: string;
}

/** Maximum number of job names that one VAL006 message lists. It counts the others. */
const MAX_LISTED_JOBS = 5;

/** Reports one group of references to the same name at the same written place. */
function reportUndefined(group: readonly UndefinedReference[], bag: DiagnosticBag): void {
  const reference = group[0]!;
  const { name, step, index } = reference;
  const where = `'$(${name})' in the ${reference.field} of step ${describeStep(step, index)}`;
  const message = reference.setter
    ? `${where} refers to a variable that only step ${reference.setter} sets, and a variable set by a step is visible only to later steps; Azure leaves the text '$(${name})' unchanged`
    : `${where} refers to a variable that no scope of ${describeJobs(group)} defines; Azure leaves the text '$(${name})' unchanged`;
  const suggestion = group.find((item) => item.suggestion !== undefined)?.suggestion;
  const didYouMean = suggestion ? `Did you mean '$(${suggestion})'? ` : '';
  const localOption = looksSecret(name) || reference.field.startsWith('env ')
    ? `If it is a secret of the pipeline settings in Azure Pipelines, give it to local runs with --secret ${name}=VALUE (or --secret ${name} to read it from the environment).`
    : `If it is a variable set in the pipeline settings of Azure Pipelines, give it to local runs with --variable ${name}=VALUE.`;
  bag.warning(
    'VAL006',
    message,
    step.location,
    `${didYouMean}Define '${name}' under "variables:" of the pipeline, stage or job, or set it in an earlier step with ##vso[task.setvariable variable=${name}]. ${localOption}`,
  );
}

/** Names the jobs of a group: `job 'A'`, `jobs 'A' and 'B'`, or the first few and a count. */
function describeJobs(group: readonly UndefinedReference[]): string {
  const labels = [...new Set(group.map((item) => jobLabel(item.stage, item.job)))];
  if (labels.length === 1) return `job ${labels[0]}`;
  if (labels.length > MAX_LISTED_JOBS) {
    return `jobs ${labels.slice(0, MAX_LISTED_JOBS).join(', ')} and ${labels.length - MAX_LISTED_JOBS} more`;
  }
  return `jobs ${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`;
}

/** Words that make a variable name look like a credential, for suggesting `--secret` over `--variable`. */
const SECRET_LIKE = /secret|password|passwd|token|apikey|credential|privatekey|(pat|pwd|key)$/i;

function looksSecret(name: string): boolean {
  return SECRET_LIKE.test(name.replace(/[._-]/g, ''));
}

/** Lower-cased variable name → indexes of the steps whose scripts set it. */
function laterSetters(steps: readonly StepDefinition[]): Map<string, number[]> {
  const setters = new Map<string, number[]>();
  for (const [index, step] of steps.entries()) {
    for (const text of stepScriptTexts(step)) {
      for (const command of findSetVariableCommands(text)) {
        const key = command.name.toLowerCase();
        setters.set(key, [...(setters.get(key) ?? []), index]);
      }
    }
  }
  return setters;
}

/** Returns the texts of a step where the agent expands macros, each with the label messages use for it. */
function macroFields(step: StepDefinition): { label: string; text: string; isScript: boolean }[] {
  const fields: { label: string; text: string; isScript: boolean }[] = [];
  if (step.displayName) fields.push({ label: 'displayName', text: step.displayName, isScript: false });
  if (step.type === 'script' || step.type === 'bash' || step.type === 'pwsh' || step.type === 'powershell') {
    fields.push({ label: 'script', text: step.script, isScript: true });
    if (step.workingDirectory) fields.push({ label: 'workingDirectory', text: step.workingDirectory, isScript: false });
  }
  if (step.type === 'task') {
    for (const [input, value] of Object.entries(step.inputs)) {
      const isScript = stepScriptTexts({ ...step, inputs: { [input]: value } }).length > 0;
      fields.push({ label: `input '${input}'`, text: value, isScript });
    }
  }
  for (const [key, value] of Object.entries(step.env)) fields.push({ label: `env '${key}'`, text: value, isScript: false });
  return fields;
}
