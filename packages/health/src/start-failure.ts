/**
 * A service that cannot start says why on stderr and exits 1. A configuration error lists every
 * problem at once (it is meant for a person fixing an env file); anything else prints its stack.
 */
export function exitOnStartFailure(error: unknown): never {
  const message =
    error instanceof Error && error.name === 'ConfigError'
      ? error.message
      : ((error as Error)?.stack ?? String(error));
  console.error(message);
  process.exit(1);
}
