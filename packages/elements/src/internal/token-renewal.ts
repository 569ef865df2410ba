/**
 * Renewing an expired token through the host's `tokenProvider` and retrying the request, for
 * `RunApiClient` (loaded the first time a token expires: not part of the catalog's first load).
 * Imports types only: importing api-client.ts (in the first load) would split the first load.
 */
import type { PanTokenExpiredDetail } from '../events/pan-token-expired.ts';
import type { RunApiClientOptions } from './api-client.ts';

/** A `PanApiError` for an expired token (checked by shape: the class is not imported here). */
const expired = (error: unknown): boolean => (error as { tokenExpired?: unknown } | null)?.tokenExpired === true;

/** One client's renewals: concurrent requests share one, and each token's expiry is reported once. */
export class TokenRenewal {
  readonly #options: RunApiClientOptions;
  #refreshing: Promise<string> | undefined;
  #expiredReportedFor: string | undefined;

  constructor(options: RunApiClientOptions) {
    this.#options = options;
  }

  /** `send` again with a fresh token after `token` was refused with `error`. */
  async retry(token: string, error: unknown, send: (token: string) => Promise<Response>): Promise<Response> {
    const renewed = await this.#renew(token, error);
    try {
      return await send(renewed);
    } catch (retryError) {
      if (expired(retryError)) this.#reportExpired(renewed, 'still-expired');
      throw retryError;
    }
  }

  /** A fresh token after `token` was refused, or throws `error` (and reports it) if there is none. */
  #renew(token: string, error: unknown): Promise<string> {
    const current = this.#options.token();
    // The host (or a concurrent request) already replaced the token: just use the new one.
    if (current && current !== token) return Promise.resolve(current);
    if (this.#refreshing) return this.#refreshing;
    const provider = this.#options.tokenProvider();
    if (!provider) {
      this.#reportExpired(token, 'no-provider');
      return Promise.reject(error);
    }
    this.#refreshing = (async () => {
      let renewed: string;
      try {
        renewed = await provider();
        if (typeof renewed !== 'string' || !renewed) throw new TypeError('tokenProvider returned no token');
      } catch {
        this.#reportExpired(token, 'provider-failed');
        throw error;
      }
      this.#options.onTokenRefreshed(renewed);
      return renewed;
    })().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  #reportExpired(token: string, reason: PanTokenExpiredDetail['reason']): void {
    if (this.#expiredReportedFor === token) return;
    this.#expiredReportedFor = token;
    this.#options.onTokenExpired(reason);
  }
}
