import { packReleaseDirectory } from './release-archive.ts';

/** Where the run API is and the account key to call it with (`PAN_API_BASE`, `PAN_API_KEY`). */
export interface HostApiOptions {
  apiBase: string;
  apiKey: string;
}

/** An answer from the run API that was not 2xx, with its machine-readable code. */
export class HostApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: Record<string, unknown>,
  ) {
    super(message);
  }
}

async function call<T>(options: HostApiOptions, method: string, pathname: string, body?: { json?: unknown; gzip?: Buffer }): Promise<T> {
  const headers: Record<string, string> = { 'x-api-key': options.apiKey };
  let payload: BodyInit | undefined;
  if (body?.json !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body.json);
  } else if (body?.gzip) {
    headers['content-type'] = 'application/gzip';
    payload = new Uint8Array(body.gzip);
  }
  const response = await fetch(new URL(pathname, options.apiBase), { method, headers, body: payload });
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (!response.ok) {
    throw new HostApiError(response.status, String(parsed.code ?? 'PAN_ERR_UNKNOWN'), String(parsed.message ?? response.statusText), parsed);
  }
  return parsed as T;
}

export interface PushedRelease {
  id: string;
  version: string;
  created: boolean;
  is_default: boolean;
  warnings: string[];
}

/** Packs `dir` and uploads it as a release of `integration` (slug or id). */
export async function pushRelease(
  options: HostApiOptions,
  dir: string,
  integration: string,
  release: { version?: string; makeDefault?: boolean } = {},
): Promise<PushedRelease> {
  const archive = await packReleaseDirectory(dir);
  const query = new URLSearchParams();
  if (release.version) query.set('version', release.version);
  if (release.makeDefault === false) query.set('make_default', 'false');
  const suffix = query.size > 0 ? `?${query}` : '';
  return call<PushedRelease>(options, 'POST', `/v2/integrations/${encodeURIComponent(integration)}/releases${suffix}`, { gzip: archive });
}

export const putIntegrationListing = (options: HostApiOptions, slug: string, listing: Record<string, unknown>) =>
  call<{ id: string; slug: string }>(options, 'PUT', `/v2/integrations/${encodeURIComponent(slug)}`, { json: listing });

export const putCategories = (options: HostApiOptions, categories: { slug: string; name: string }[]) =>
  call<unknown>(options, 'PUT', '/v2/marketplace/categories', { json: { categories } });

/** Defines (or replaces) one of the account's connectors (`PUT /v2/connectors/:name`). */
export const putConnector = (options: HostApiOptions, name: string, definition: Record<string, unknown>) =>
  call<{ name: string }>(options, 'PUT', `/v2/connectors/${encodeURIComponent(name)}`, { json: definition });
