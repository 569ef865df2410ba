import type {
  BuildQueued,
  CategoriesRequest,
  HostConnector,
  HostReleaseDetail,
  HostTenant,
  IntegrationListingSaved,
  NotificationEndpointWithSecret,
  NotificationSettings,
  PushedRelease,
  SecretAnswer,
  SourceBuild,
} from '@pan/contract';
import * as paths from '@pan/contract/paths';
import { packReleaseDirectory } from './release-archive.ts';

export type { HostReleaseDetail, HostTenant, PushedRelease };

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
  if (!response.ok) throw errorOf(response, text);
  return (text ? JSON.parse(text) : {}) as T;
}

/** The error of a non-2xx answer: the server's `{code, message}`, or its status text when the body is not ours. */
export function errorOf(response: Response, text: string): HostApiError {
  let parsed: Record<string, unknown> = {};
  try {
    const value: unknown = text ? JSON.parse(text) : {};
    if (value && typeof value === 'object' && !Array.isArray(value)) parsed = value as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  return new HostApiError(response.status, String(parsed.code ?? 'PAN_ERR_UNKNOWN'), String(parsed.message ?? response.statusText), parsed);
}

/** Why a request got no answer at all, in one line (`fetch failed` alone says nothing). */
export function networkErrorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code && !cause.message.includes(code) ? `${code}: ${cause.message}` : cause.message;
  }
  return error.message;
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
  return call<PushedRelease>(options, 'POST', `${paths.hostReleases(integration)}${suffix}`, { gzip: archive });
}

/** One release of an integration with its PANDIUM.yaml: `default`, `latest` or a release id. */
export const readRelease = (options: HostApiOptions, integration: string, release: string) =>
  call<HostReleaseDetail>(options, 'GET', `${paths.hostReleases(integration)}/${encodeURIComponent(release)}`);

/** Queues a build of a release from the integration's git repository at `tag` (`POST /v2/sourcecontrol/build`). */
export const buildRelease = (options: HostApiOptions, integration: string, tag: string, makeDefault = true) =>
  call<BuildQueued>(options, 'POST', paths.hostSourceControlBuild, {
    // Digits are the integration's integer id (Pandium's); anything else its slug or UUID (ours).
    json: { tag, integration_id: /^[0-9]+$/.test(integration) ? Number(integration) : integration, make_default: makeDefault },
  });

/** A build's state (`GET /v2/sourcecontrol/builds/:id`). */
export const readBuild = (options: HostApiOptions, buildId: string) => call<SourceBuild>(options, 'GET', paths.hostSourceControlBuildStatus(buildId));

/** Polls a build until it succeeded or failed (or `timeoutMs` passed: then its last state). */
export async function waitForBuild(options: HostApiOptions, buildId: string, timeoutMs: number, intervalMs = 500): Promise<SourceBuild> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const build = await readBuild(options, buildId);
    if (build.state === 'succeeded' || build.state === 'failed' || Date.now() >= deadline) return build;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Creates or replaces an integration's listing (`PUT /v2/integrations/:slug`); the server checks it (read from JSON, so untyped here). */
export const putIntegrationListing = (options: HostApiOptions, slug: string, listing: Record<string, unknown>) =>
  call<IntegrationListingSaved>(options, 'PUT', paths.hostIntegration(slug), { json: listing });

export const putCategories = (options: HostApiOptions, categories: CategoriesRequest['categories']) =>
  call<CategoriesRequest>(options, 'PUT', paths.hostCategories, { json: { categories } });

/** Defines (or replaces) one of the account's connectors (`PUT /v2/connectors/:name`); the server checks the definition. */
export const putConnector = (options: HostApiOptions, name: string, definition: Record<string, unknown>) =>
  call<HostConnector>(options, 'PUT', paths.hostConnector(name), { json: definition });

/** Sets the account's notification URL and events (`PUT /v2/notifications`). */
export const putNotifications = (options: HostApiOptions, settings: NotificationSettings) =>
  call<NotificationEndpointWithSecret>(options, 'PUT', paths.hostNotifications, { json: settings });

/** A new notification signing secret (`POST /v2/notifications/secret`), shown only in this answer. */
export const rotateNotificationSecret = (options: HostApiOptions) => call<SecretAnswer>(options, 'POST', paths.hostNotificationSecret);

export interface TenantQuery {
  /** The end user (the JWT's `sub`). */
  userName?: string;
  /** Integration slug, or its integer id. */
  integration?: string;
  limit?: string;
  skip?: string;
  /** `<field>__ASC` or `<field>__DESC`. */
  sortBy?: string;
  /** Archived tenants instead of the others. */
  archived?: boolean;
}

/** `GET /v2/tenants` with its filters and paging (the server checks the values and names a bad one). */
export function listTenants(options: HostApiOptions, query: TenantQuery = {}): Promise<HostTenant[]> {
  const params = new URLSearchParams();
  if (query.userName !== undefined) params.set('user_name', query.userName);
  // An integer is the integration's public id (Pandium's `integration_id`), anything else its slug.
  if (query.integration !== undefined) params.set(/^\d+$/.test(query.integration) ? 'integration_id' : 'integration', query.integration);
  if (query.limit !== undefined) params.set('limit', query.limit);
  if (query.skip !== undefined) params.set('skip', query.skip);
  if (query.sortBy !== undefined) params.set('sort_by', query.sortBy);
  if (query.archived) params.set('archived', 'true');
  const suffix = params.size > 0 ? `?${params}` : '';
  return call<HostTenant[]>(options, 'GET', `${paths.hostTenants}${suffix}`);
}
