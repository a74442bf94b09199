/**
 * Catalogue of the errors found while turning a YAML tree into a pipeline
 * definition. A code is never reused for another meaning; a test checks that
 * every code used under src/language/pipeline is listed here.
 */
export const PIPELINE_ERROR_CODES = {
  PIPE001: { description: 'A mapping contains a key that is not valid at that place.' },
  PIPE002: { description: 'A value has the wrong type (for example a list where a string is expected).' },
  PIPE003: { description: 'A required key is missing.' },
  PIPE004: { description: 'Two keys that exclude each other are used together.' },
  PIPE005: { description: 'A stage, job or deployment name contains characters other than A-Z, a-z, 0-9 and _.' },
  PIPE006: { description: 'A deployment job uses the reserved name "deploy".' },
  PIPE007: { description: 'Two stages have the same name.' },
  PIPE008: { description: 'Two jobs in one stage have the same name.' },
  PIPE009: { description: 'Two steps in one job have the same name.' },
  PIPE010: { description: 'A matrix leg name is invalid (letters, digits and _, starting with a letter, at most 100 characters).' },
  PIPE011: { description: 'A variables block mixes the mapping form with the list form.' },
  PIPE012: { description: 'A variable name starts with a prefix that Azure Pipelines reserves.' },
  PIPE013: { description: 'A variable name contains characters other than letters, digits, "." and "_".' },
  PIPE014: { description: 'Retired: reported template use before template expansion existed. Not reused.' },
  PIPE015: { description: 'A step type that Sluice does not support yet.' },
  PIPE016: { description: 'A value is outside the allowed set or range.' },
  PIPE017: { description: 'A task reference is not of the form Name@Version or GUID@Version.' },
  PIPE018: { description: 'The file is empty or its top level is not a mapping.' },
  PIPE019: { description: 'A step name contains characters other than A-Z, a-z, 0-9, - and _.' },
  PIPE020: { description: 'A step item has no step type key (script, bash, task, checkout, …).' },
  PIPE021: { description: 'The pipeline file could not be read.' },
  PIPE022: { description: 'The pipeline has none of stages, jobs, steps or extends.' },
} as const;

/** A code from the pipeline normaliser's catalogue. */
export type PipelineErrorCode = keyof typeof PIPELINE_ERROR_CODES;
