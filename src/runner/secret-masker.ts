/** The text that replaces a secret in every log line, issue and variable. */
export const SECRET_MASK = '***';

/**
 * Shortest secret that is masked. Every non-empty value is masked, even one
 * character long: Sluice prefers an over-masked log to a leaked secret. A short
 * secret such as `1` therefore masks every `1` in the log.
 */
export const MIN_MASKED_SECRET_LENGTH = 1;

/**
 * Replaces registered secret values with `***`. Besides the value itself it masks
 * the encodings a step is likely to print: URL-encoded (encodeURIComponent), as
 * the inside of a JSON string, and standard Base64 of the whole value. The Azure
 * agent registers similar value encoders (azure-pipelines-agent, ValueEncoders.cs).
 * Only whole occurrences are masked: a part of a secret stays visible, as in Azure.
 */
export class SecretMasker {
  private readonly values = new Set<string>();
  /** Registered strings, longest first, so a longer secret wins over one it contains. */
  private ordered: string[] = [];

  /** Registers a secret and its encodings; a multi-line value also registers each line. */
  add(secret: string): void {
    const candidates = new Set<string>([secret]);
    for (const line of secret.split(/\r?\n/)) candidates.add(line);
    for (const value of [...candidates]) {
      candidates.add(encodeURIComponent(value));
      candidates.add(JSON.stringify(value).slice(1, -1));
      candidates.add(Buffer.from(value, 'utf8').toString('base64'));
    }

    let changed = false;
    for (const candidate of candidates) {
      if (candidate.length < MIN_MASKED_SECRET_LENGTH || candidate.trim() === '' || this.values.has(candidate)) continue;
      this.values.add(candidate);
      changed = true;
    }
    if (changed) this.ordered = [...this.values].sort((a, b) => b.length - a.length);
  }

  /** Returns `text` with every registered value replaced by `***`. */
  mask(text: string): string {
    let masked = text;
    for (const value of this.ordered) {
      if (masked.includes(value)) masked = masked.split(value).join(SECRET_MASK);
    }
    return masked;
  }

  /** Number of registered strings, encodings included. */
  get size(): number {
    return this.values.size;
  }
}
