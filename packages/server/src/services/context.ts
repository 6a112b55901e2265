/** What the services need to know about the caller, whatever the transport. */
export interface ClientContext {
  /** Client address (socket, or forwarded by a trusted proxy). */
  address: string;
  userAgent: string | null;
}

export const CLI_CONTEXT: ClientContext = { address: 'cli', userAgent: null };

/** The clock, injectable so tests can move time. */
export type Clock = () => number;
export const systemClock: Clock = () => Date.now();
