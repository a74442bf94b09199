import type { RunEvent } from '../events/run-event.js';
import type { Store } from './open-store.js';
import type { TimelineEventContext } from './timeline-repository.js';

/**
 * Stores one event of a run where it belongs: log lines in the log store,
 * variables in the variables table, everything else in the timeline.
 * `run-started` carries nothing the run row does not already have.
 */
export async function recordRunEvent(store: Store, runId: number, event: RunEvent, context: TimelineEventContext = {}): Promise<void> {
  switch (event.type) {
    case 'log':
      await store.logs.append(runId, event.recordId, [event], context.attempt);
      return;
    case 'variable-set':
      await store.variables.record(runId, event);
      return;
    case 'run-started':
      await store.runs.markStarted(runId);
      return;
    default:
      await store.timeline.applyEvent(runId, event, context);
  }
}
