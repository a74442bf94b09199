/**
 * The levelled logger the store writes to. A pino logger fits it as is: the
 * first argument contains the ids as fields, the second is a short message.
 */
export interface StoreLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** A logger that drops everything, used when the caller passes none. */
export const silentLogger: StoreLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
