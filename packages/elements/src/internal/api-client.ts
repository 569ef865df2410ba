import type { ApiError, SettingsError } from '@pan/contract';
import type { PanTokenExpiredDetail } from '../events/pan-token-expired.ts';
import type { TokenRenewal } from './token-renewal.ts';

const loadRenewal = () => import('./token-renewal.ts');

export const TOKEN_EXPIRED = 'PAN_ERR_AUTH_TOKEN_EXPIRED';

/** An error answer of the run API (or a network failure: `status` 0, code `PAN_ERR_NETWORK`). */
export class PanApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Field errors of a 422 (e.g. invalid settings). */
    readonly errors: SettingsError[] = [],
  ) {
    super(message);
    this.name = 'PanApiError';
  }

  get tokenExpired(): boolean {
    return this.code === TOKEN_EXPIRED;
  }
}

export interface RunApiClientOptions {
  /** The API's base URL, read at each request. */
  baseUrl(): string | undefined;
  /** The current token, read at each request. */
  token(): string | undefined;
  /** The host's token provider, if any, read when a token expired. */
  tokenProvider(): (() => Promise<string>) | undefined;
  /** A renewed token from `tokenProvider`: keep it for later requests. */
  onTokenRefreshed(token: string): void;
  /** The token expired and could not be renewed (reported once per token). */
  onTokenExpired(reason: PanTokenExpiredDetail['reason']): void;
  /** The token's `locale` claim, which the run API echoes as `Content-Language` on each answer. */
  onLocale?(locale: string): void;
}

type Query = Record<string, string | string[] | undefined>;

export interface RequestOptions {
  query?: Query;
  /** Sent as JSON. */
  body?: unknown;
  signal?: AbortSignal;
  /** Added to (or replacing) the default `Accept: application/json`. */
  headers?: Record<string, string>;
}

/**
 * The end-user marketplace API client. The token only ever travels in the `Authorization: Bearer`
 * header, never in a URL. An expired token is renewed once through `tokenProvider` and the
 * request retried; concurrent requests share one renewal.
 */
export class RunApiClient {
  readonly #options: RunApiClientOptions;
  #renewal: TokenRenewal | undefined;

  constructor(options: RunApiClientOptions) {
    this.#options = options;
  }

  /** Whether requests can be made (a base URL and a token are set). */
  get ready(): boolean {
    return Boolean(this.#options.baseUrl() && this.#options.token());
  }

  get<T>(path: string, query: Query = {}, signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', path, { query, signal });
  }

  /** Any call: `body` is sent as JSON. A 204 resolves to `undefined`. */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, options);
    return (response.status === 204 ? undefined : await response.json().catch(() => undefined)) as T;
  }

  /**
   * Like `request()`, but resolves with the response itself, to read it as it comes (an
   * `Accept: text/event-stream` header, with `Last-Event-ID` to resume) or as a file. `headers` are
   * added to (or replace) the defaults; the token is always the client's.
   */
  async send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const token = this.#options.token() ?? '';
    try {
      return await this.#send(method, path, options, token);
    } catch (error) {
      if (!(error instanceof PanApiError && error.tokenExpired)) throw error;
      // Renewing is rare: its code is a chunk of its own, out of the catalog's first load. If that
      // chunk cannot load (offline), the request fails with its own error.
      const { TokenRenewal } = await loadRenewal().catch(() => Promise.reject(error));
      this.#renewal ??= new TokenRenewal(this.#options);
      return this.#renewal.retry(token, error, (renewed) => this.#send(method, path, options, renewed));
    }
  }

  async #send(method: string, path: string, options: RequestOptions, token: string): Promise<Response> {
    const { query = {}, body, signal } = options;
    const base = (this.#options.baseUrl() ?? '').replace(/\/+$/, '');
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      for (const item of [value ?? []].flat()) if (item !== '') params.append(key, item);
    }
    const search = `${params}` ? `?${params}` : '';
    let response: Response;
    try {
      const headers: Record<string, string> = { Accept: 'application/json', ...options.headers, Authorization: `Bearer ${token}` };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      response = await fetch(`${base}${path}${search}`, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        signal: signal ?? null,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new PanApiError(0, 'PAN_ERR_NETWORK', 'The marketplace could not be reached.');
    }
    const locale = response.headers.get('Content-Language');
    if (locale) this.#options.onLocale?.(locale);
    if (!response.ok) {

      const apiError: Partial<ApiError> = (await response.json().catch(() => undefined)) ?? {};
      throw new PanApiError(
        response.status,
        apiError.code ?? `HTTP_${response.status}`,
        apiError.message ?? response.statusText,
        // The marketplace's field errors (400, 422) are `{field, message}`.
        (apiError.errors as SettingsError[] | undefined) ?? [],
      );
    }
    return response;
  }
}
