/** Stable codes for problems in a service connections file (`sluice run --service-connections FILE`). */
export const ServiceConnectionErrorCode = {
  /** The file could not be read. */
  ReadFailed: 'SVC001',
  /** The file is not valid JSON. */
  InvalidJson: 'SVC002',
  /** The JSON does not have the documented shape (a field is missing or has the wrong type). */
  InvalidShape: 'SVC003',
} as const;
