import type { TaskResult } from '../events/task-result.js';
import type { JobEventWriter } from './job-event-writer.js';
import type { JobVariables } from './job-variables.js';
import type { SecretMasker } from './secret-masker.js';

/** A file a step attached with `task.addattachment` or `task.uploadsummary`. */
export interface StepAttachment {
  recordId: string;
  type: string;
  name: string;
  path: string;
}

/** Job-wide state that lives for the whole job and that logging commands change. */
export interface JobState {
  variables: JobVariables;
  masker: SecretMasker;
  events: JobEventWriter;
  /** Output variables by `step.variable`, unmasked. */
  outputs: Record<string, string>;
  /** Directories for the front of PATH, newest first, from `task.prependpath` and UsePythonVersion. */
  pathPrepends: string[];
  buildNumber?: string;
  buildTags: string[];
  attachments: StepAttachment[];
  pythonVersion?: string;
  /** Value of DECODE_PERCENTS at job start: `%AZP25` decoding is on unless it is `false`. */
  decodePercents: boolean;
}

/** Per-step state that logging commands change while the step runs. */
export interface StepState {
  recordId: string;
  /** The step's `name:`, needed for output variables. */
  stepName?: string;
  /** Result set by `task.complete`, merged worst-wins. */
  completeResult?: TaskResult;
  /** Last `task.setprogress` value in percent. */
  progress?: number;
}
