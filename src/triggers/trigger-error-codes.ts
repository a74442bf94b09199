/**
 * Catalogue of the errors reported by the trigger layer: bad `trigger`, `pr`
 * and `schedules` values, and rejected webhook deliveries. A code is never
 * reused for another meaning; a test checks that every code used under
 * src/triggers is listed here.
 */
export const TRIGGER_ERROR_CODES = {
  TRG001: { description: 'A trigger value has the wrong type (for example a number where a branch list is expected).' },
  TRG002: { description: 'A trigger mapping contains a key that is not valid there.' },
  TRG003: { description: 'A branch, tag or path filter is empty or contains a variable or expression.' },
  TRG004: { description: 'A boolean trigger setting (batch, autoCancel, drafts, always) is not a boolean.' },
  TRG005: { description: 'A schedule has no cron expression.' },
  TRG006: { description: 'A cron expression does not have five fields.' },
  TRG007: { description: 'A cron field contains a value, range, step or name that is not valid for that field.' },
  TRG020: { description: 'A webhook request has no signature or token header.' },
  TRG021: { description: 'A webhook signature or token does not match the configured secret.' },
  TRG022: { description: 'A webhook request has no delivery id, so replays cannot be detected.' },
  TRG023: { description: 'A webhook delivery id was already processed (a replay).' },
  TRG024: { description: 'A webhook body is not valid JSON or lacks a field its event requires.' },
  TRG025: { description: 'A webhook request does not name its event in a header Sluice knows.' },
  TRG026: { description: 'No webhook secret is configured for the repository.' },
} as const;

/** A code from the trigger layer's catalogue. */
export type TriggerErrorCode = keyof typeof TRIGGER_ERROR_CODES;
