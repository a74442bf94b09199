/**
 * Catalogue of the errors that template expansion reports. A code is never
 * reused for another meaning. `description` is the one-line text shown by
 * documentation. A test checks that every code used under
 * src/language/templates is listed here.
 */
export const TEMPLATE_ERROR_CODES = {
  TPL001: { description: 'A template file was not found or could not be read.' },
  TPL002: { description: 'A template file is empty. Syntax errors in a template keep the YAML loader\'s codes.' },
  TPL003: { description: 'A template path names a repository alias that is not known.' },
  TPL004: { description: 'A template includes itself, directly or through other templates.' },
  TPL005: { description: 'More template files are included than Azure Pipelines allows.' },
  TPL006: { description: 'Templates are nested deeper than Azure Pipelines allows.' },
  TPL007: { description: 'The expanded pipeline is larger than the expansion budget.' },
  TPL008: { description: 'A template expression is invalid or failed to evaluate.' },
  TPL009: { description: 'A template expression has no closing "}}".' },
  TPL010: { description: 'An "elseif" or "else" has no "if" right before it.' },
  TPL011: { description: 'An "each" directive is malformed or loops over a value that is not a sequence or mapping.' },
  TPL012: { description: 'An "insert" directive has a value that cannot be merged at that place.' },
  TPL013: { description: 'A template directive is used where it is not allowed, or its value has the wrong shape.' },
  TPL014: { description: 'A template parameter declaration is invalid.' },
  TPL015: { description: 'A value passed to a template parameter does not match its declared type.' },
  TPL016: { description: 'A template is given a parameter that it does not declare.' },
  TPL017: { description: 'A parameter value is not one of the allowed "values".' },
  TPL018: { description: 'A required parameter has no value and no default.' },
  TPL019: { description: 'A template reference has an invalid shape (a missing path or an unexpected key).' },
  TPL020: { description: 'A template file contains a key that is not allowed for its kind of template.' },
  TPL021: { description: 'A template reference is used in a list whose kind of template is unknown.' },
  TPL022: { description: 'A runtime parameter given on the command line is not declared or cannot be parsed.' },
  TPL023: { description: 'An "extends" value is invalid.' },
  TPL024: { description: 'A template expression produced a sequence or mapping where a key is expected.' },
  TPL025: { description: 'A template expression produced a sequence or mapping inside a longer string.' },
  TPL026: { description: 'A mapping gets the same key twice after template expansion.' },
  TPL027: { description: 'More problems were found than the diagnostics list keeps.' },
} as const;

/** A code from the template expansion catalogue. */
export type TemplateErrorCode = keyof typeof TEMPLATE_ERROR_CODES;
