import { ArtifactErrorCode } from './artifact-error-codes.js';
import { ArtifactError } from './artifact-error.js';

/** Maximum length of an artifact name, in characters, because the name becomes a file name in the store. */
export const MAX_ARTIFACT_NAME_LENGTH = 200;

/**
 * Characters an artifact name may not contain: path separators and the
 * characters Windows rejects in file names, so a name is a safe file name
 * on every agent.
 */
const FORBIDDEN_CHARACTERS = /[/\\:*?"<>|\u0000-\u001f]/;

/**
 * Checks an artifact name and throws ArtifactError ART001 when it cannot be
 * used: empty, longer than {@link MAX_ARTIFACT_NAME_LENGTH}, containing `..`,
 * a path separator or a reserved character, or with leading or trailing spaces.
 */
export function validateArtifactName(name: string): void {
  const reject = (reason: string): never => {
    throw new ArtifactError(
      ArtifactErrorCode.InvalidArtifactName,
      `artifact name ${JSON.stringify(name)} is invalid: ${reason}`,
      'use a short name of letters, digits, `-`, `_` and `.`, for example `drop` or `wheels-py312`',
    );
  };

  if (name.length === 0) reject('the name is empty');
  if (name.length > MAX_ARTIFACT_NAME_LENGTH) reject(`it is longer than ${MAX_ARTIFACT_NAME_LENGTH} characters`);
  if (name.includes('..')) reject("it contains '..'");
  if (name === '.') reject("'.' is not a name");
  if (FORBIDDEN_CHARACTERS.test(name)) reject('it contains a path separator, a control character or one of : * ? " < > |');
  if (name.trim() !== name) reject('it starts or ends with white space');
}
