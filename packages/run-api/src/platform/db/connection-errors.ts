import pg from 'pg';

/** Node errors of a connect() that failed: refused, no Unix socket file (the embedded cluster is down), unreachable. */
const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ENOENT', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * A failure to reach the database rather than a failed query: SQLSTATE class 08 (connection
 * exception), 57P01-57P03 (the server is shutting down, was restarted, or cannot take connections
 * yet), a socket that could not connect, or pg's own "Connection terminated" errors and timeouts.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (error instanceof pg.DatabaseError) return typeof code === 'string' && (code.startsWith('08') || /^57P0[123]$/.test(code));
  if (typeof code === 'string' && CONNECTION_ERRNOS.has(code) && (error as { syscall?: unknown }).syscall === 'connect') return true;
  return /^Connection terminated|^timeout exceeded when trying to connect|^Client has encountered a connection error/.test(error.message);
}
