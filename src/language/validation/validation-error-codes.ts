/**
 * Catalogue of the warnings that validation beyond syntax reports: features
 * Azure Pipelines accepts but Sluice cannot run locally, and likely mistakes.
 * Every entry is a warning, because Azure itself would accept the pipeline.
 * A code is never reused for another meaning.
 */
export const VALIDATION_ERROR_CODES = {
  VAL000: { description: 'More warnings than the diagnostic limit were found; the rest are only counted.' },
  VAL001: { description: 'A variable group is used that has no local definition.' },
  VAL002: { description: 'A task input names a service connection that has no local definition.' },
  VAL003: { description: 'A task that needs Azure services and cannot run on a local machine.' },
  VAL004: { description: 'An agentless job (`pool: server`), which only Azure Pipelines can run.' },
  VAL005: { description: 'A pipelines, builds, packages or webhooks resource, which only Azure Pipelines can resolve.' },
  VAL006: { description: 'A `$(name)` macro in a step refers to a variable that no scope defines.' },
  VAL007: { description: 'A condition that is always true or always false as written.' },
  VAL008: { description: 'A job `dependsOn` names a job of another stage.' },
  VAL009: { description: 'An output reference names a job or stage that is not a direct dependency.' },
  VAL010: { description: 'An output reference names a step that does not exist in the job it reads from.' },
} as const;

/** A code from the validation catalogue. */
export type ValidationErrorCode = keyof typeof VALIDATION_ERROR_CODES;
