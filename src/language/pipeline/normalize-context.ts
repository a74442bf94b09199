import { DiagnosticBag } from '../diagnostic.js';
import type { SourceLocation } from '../source-location.js';
import type { PipelineErrorCode } from './pipeline-error-codes.js';

/** State shared by the normalisers of one file: its name and the diagnostics collected so far. */
export class NormalizeContext {
  readonly bag = new DiagnosticBag();

  constructor(readonly file: string) {}

  /** Records an error with a catalogued code. */
  error(code: PipelineErrorCode, message: string, location: SourceLocation | undefined, hint?: string): void {
    this.bag.error(code, message, location, hint);
  }

  /** Records a warning with a catalogued code. */
  warning(code: PipelineErrorCode, message: string, location: SourceLocation | undefined, hint?: string): void {
    this.bag.warning(code, message, location, hint);
  }
}
