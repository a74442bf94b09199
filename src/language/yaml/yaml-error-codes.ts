/**
 * Catalogue of the errors the YAML loader reports. A code is never reused for
 * another meaning; `description` is the one-line text shown by documentation.
 */
export const YAML_ERROR_CODES = {
  YAML001: { description: 'The text is not valid YAML (a syntax error the parser found).' },
  YAML002: { description: 'A quoted string has no closing quote.' },
  YAML003: { description: 'A mapping contains the same key twice.' },
  YAML004: { description: 'The indentation of a line does not fit the block it belongs to.' },
  YAML005: { description: 'A tab character is used for indentation; YAML allows only spaces.' },
  YAML006: { description: 'Expanding aliases would create more nodes than the loader allows.' },
  YAML007: { description: 'An alias refers to an anchor that is not defined before it, or to a node that contains the alias.' },
  YAML008: { description: 'The file contains more than one YAML document.' },
  YAML009: { description: 'A mapping key is not a scalar (a sequence or mapping used as a key).' },
  YAML010: { description: 'A multi-line value is used where only a single-line key is allowed.' },
  YAML011: { description: 'Sequences and mappings are nested deeper than the loader allows.' },
} as const;

/** A code from the YAML loader's catalogue. */
export type YamlErrorCode = keyof typeof YAML_ERROR_CODES;
