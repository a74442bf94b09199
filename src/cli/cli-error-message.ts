/**
 * Formats an error the CLI prints itself as `error CODE: message`, then a
 * `  hint: …` line when a fix is known, the same shape as pipeline diagnostics.
 */
export function formatCliError(code: string, message: string, hint?: string): string {
  return `error ${code}: ${message}\n${hint === undefined ? '' : `  hint: ${hint}\n`}`;
}

/** The fix for CLI002, printed by every command that looks for the pipeline file. */
export const PIPELINE_NOT_FOUND_HINT = 'check the path, or pass the pipeline file as an argument when it is not azure-pipelines.yml';
