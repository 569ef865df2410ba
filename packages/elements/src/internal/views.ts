import { PanApiError } from './api-client.ts';
import { msg } from './locale.ts';

/** What to tell the user about a failed call, in plain words (the server's message when it is meant for them). */
export function describeError(error: unknown, notFound?: string): string {
  if (!(error instanceof PanApiError)) return msg('Something went wrong. Please try again.');
  if (error.tokenExpired || error.status === 401) return msg('Your session has expired. Please sign in again.');
  if (error.status === 0) return msg('The marketplace could not be reached. Check your connection and retry.');
  if (error.status === 404) return notFound ?? msg('This is not available any more.');
  if (error.status >= 500) return msg('Something went wrong on our side. Please try again.');

  return error.message;
}

/** Up to two initials of a name, for a logo placeholder ("Acme CRM" -> "AC"). */
export function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((word) => word[0]!.toUpperCase())
    .join('');
}
