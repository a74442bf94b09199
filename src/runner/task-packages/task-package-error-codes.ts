/** Stable codes for problems with task packages (`sluice run --tasks DIR`). A code is never reused. */
export const TaskPackageErrorCode = {
  /** A folder given to --tasks does not exist or contains no task.json. */
  NoTaskJson: 'TPK001',
  /** task.json could not be read. */
  ReadFailed: 'TPK002',
  /** task.json is not valid JSON. */
  InvalidJson: 'TPK003',
  /** task.json lacks a required field (`id`, `name`, `version`) or a field has the wrong type. */
  InvalidDefinition: 'TPK004',
  /** task.json has no Node execution handler that Sluice runs. */
  NoSupportedHandler: 'TPK005',
  /** The execution handler's `target` file does not exist. */
  HandlerFileMissing: 'TPK006',
  /** Two packages have the same name or id and major version; the later one is ignored. */
  DuplicateTask: 'TPK007',
} as const;

export type TaskPackageErrorCodeValue = (typeof TaskPackageErrorCode)[keyof typeof TaskPackageErrorCode];
