import type { RunEvent } from '../../events/run-event.js';
import type { RunReporter } from './run-reporter.js';
import type { RunSummary } from './run-summary.js';

/** `--output json`: one event per line, then the summary as the last line. */
export class JsonReporter implements RunReporter {
  constructor(private readonly write: (text: string) => void) {}

  onEvent(event: RunEvent): void {
    this.write(JSON.stringify(event) + '\n');
  }

  finish(summary: RunSummary): void {
    this.write(JSON.stringify(summary) + '\n');
  }
}
