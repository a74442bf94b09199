/**
 * A place in a pipeline file. Lines and columns are 1-based, as editors show them.
 * `includedFrom` links a location inside a template to the `template:` reference
 * that pulled the template in, so errors can show the whole include chain.
 */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  includedFrom?: SourceLocation;
}

/** A value together with the place in the YAML it came from. */
export interface Located<T> {
  value: T;
  location: SourceLocation;
}

/** Formats a location as `file:line:col`, the form editors and terminals link. */
export function formatLocation(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}

/**
 * Returns the location `offset` characters into a single-line value that starts at
 * `base`. Used to point inside an expression or a macro written in a YAML scalar.
 */
export function offsetLocation(base: SourceLocation, offset: number): SourceLocation {
  return { ...base, column: base.column + offset, endLine: undefined, endColumn: undefined };
}
