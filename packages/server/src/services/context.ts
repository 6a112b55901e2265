/** What the services need to know about the caller, whatever the transport. */
export interface ClientContext {
  /** Client address (socket, or forwarded by a trusted proxy). */
  address: string;
  userAgent: string | null;
  /** The request's logger over HTTP; absent elsewhere (CLI, tests), where nothing is logged. */
  log?: OperatorLog;
}

/**
 * Reports for the operator about things the client must not be told (why a
 * directory refused the service account, a certificate that did not verify).
 */
export interface OperatorLog {
  warn(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
}

export const SILENT_LOG: OperatorLog = { warn: () => {}, error: () => {} };

export const CLI_CONTEXT: ClientContext = { address: 'cli', userAgent: null };

/** The clock, injectable so tests can move time. */
export type Clock = () => number;
export const systemClock: Clock = () => Date.now();
