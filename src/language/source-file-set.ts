/**
 * The text of every file read while loading a pipeline, by the name used in
 * diagnostics. The CLI uses it to print the source line under an error.
 */
export class SourceFileSet {
  private readonly texts = new Map<string, string>();

  set(file: string, text: string): void {
    this.texts.set(file, text);
  }

  get(file: string): string | undefined {
    return this.texts.get(file);
  }

  /** Returns line `line` (1-based) of `file` without its line ending. */
  line(file: string, line: number): string | undefined {
    const text = this.texts.get(file);
    if (text === undefined) return undefined;
    return text.split(/\r?\n/)[line - 1];
  }
}
