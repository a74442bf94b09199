/**
 * Stable codes for problems with pipeline artifacts (publish, download, list).
 * A code is never reused for another meaning.
 */
export const ArtifactErrorCode = {
  /** The artifact name is empty, too long, `.`/`..`, contains `..`, a path separator or a reserved character. */
  InvalidArtifactName: 'ART001',
  /** A manifest entry path is absolute or climbs out of the artifact with `..`. */
  UnsafeEntryPath: 'ART002',
  /** A symbolic link whose target lies outside the artifact. */
  LinkOutsideArtifact: 'ART003',
  /** The file or folder to publish does not exist. */
  SourceNotFound: 'ART004',
  /** An artifact with this name was already published in this run; artifacts are immutable. */
  ArtifactExists: 'ART005',
  /** No artifact with this name exists in the run. */
  ArtifactNotFound: 'ART006',
  /** A stored blob's content does not match the SHA-256 in the manifest. */
  BlobCorrupted: 'ART007',
  /** A blob listed in the manifest is missing from the store. */
  BlobMissing: 'ART008',
  /** The manifest file is not valid JSON or does not have the manifest shape. */
  InvalidManifest: 'ART009',
  /** The source contains a special file (socket, FIFO, device) that cannot be stored. */
  UnsupportedFileType: 'ART010',
} as const;

export type ArtifactErrorCodeValue = (typeof ArtifactErrorCode)[keyof typeof ArtifactErrorCode];
