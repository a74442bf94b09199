/** Stable codes for problems found while reading coverage reports. A code is never reused. */
export const CoverageErrorCode = {
  /** A coverage file is not well-formed XML. */
  NotXml: 'COV001',
  /** A coverage file is XML but neither Cobertura (`coverage`) nor JaCoCo (`report`). */
  UnknownRootElement: 'COV002',
  /** A coverage file could not be read. */
  ReadFailed: 'COV003',
  /** A coverage file is larger than the size Sluice reads. */
  FileTooLarge: 'COV004',
} as const;

export type CoverageErrorCodeValue = (typeof CoverageErrorCode)[keyof typeof CoverageErrorCode];
