/** Where a browser request came from, as the gateway saw it; recorded in audit events. */
export interface Origin {
  ip: string;
  userAgent: string;
}

/** The caller's deadline, passed on to outbound calls (the token service, GitHub). */
export interface Deadline {
  /** Epoch milliseconds after which the caller no longer waits. */
  deadline: number;
  signal: AbortSignal;
}
