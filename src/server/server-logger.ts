import type { StoreLogger } from '../store/store-logger.js';

/**
 * The levelled logger the server writes through: pino's interface, first the
 * fields (`runId`, `jobId`, `agent`), then a short lower-case message.
 */
export interface ServerLogger extends StoreLogger {
  child(bindings: Record<string, unknown>): ServerLogger;
}
