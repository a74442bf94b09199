import type { KeyTable, ValueShape } from '../pipeline/key-tables.js';

// Keys of the trigger blocks, from the Azure Pipelines YAML schema reference
// (learn.microsoft.com/azure/devops/pipelines/yaml-schema: trigger, pr, schedules.cron).
// The normaliser keeps these blocks as written, so only the schema needs them.

const SCALAR: readonly ValueShape[] = ['scalar'];
const FILTER: readonly ValueShape[] = ['mapping', 'sequence'];
const LIST: readonly ValueShape[] = ['scalar', 'sequence'];

/** The mapping form of `trigger:`. */
export const TRIGGER_KEYS: KeyTable = { batch: SCALAR, branches: FILTER, paths: FILTER, tags: FILTER };

/** The mapping form of `pr:`. */
export const PR_KEYS: KeyTable = { autoCancel: SCALAR, branches: FILTER, paths: FILTER, drafts: SCALAR };

/** An item of `schedules:`. */
export const SCHEDULE_KEYS: KeyTable = { cron: SCALAR, displayName: SCALAR, branches: FILTER, batch: SCALAR, always: SCALAR };

/** `include`/`exclude` lists of a branch, path or tag filter. */
export const TRIGGER_FILTER_KEYS: KeyTable = { include: LIST, exclude: LIST };
