import type { RunEvent } from '../../events/run-event.js';
import type { RunSummary } from './run-summary.js';

/** Shows a run to the user while it happens, then its summary. */
export interface RunReporter {
  onEvent(event: RunEvent): void;
  finish(summary: RunSummary): void;
}
