/**
 * OAuth2 for connectors, through oauth4webapi: authorization code with PKCE (S256), a state of
 * 256 bits that is single use, expires after 10 minutes and is bound to the user (and tenant),
 * and refreshes made once per connection however many runs ask at the same moment.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import type pg from 'pg';
import type { SecretBox } from '../../platform/crypto/secret-box.ts';
import { withTransaction, type Db } from '../../platform/db/pool.ts';
import { egressRefusal, type EgressPolicy } from '../../platform/egress.ts';
import { ERRORS, panError } from '../../platform/errors.ts';
import {
  consumeOAuthState,
  deleteExpiredOAuthStates,
  findConnectorById,
  insertOAuthState,
  lockConnectionSecrets,
  markNeedsReconnect,
  replaceConnectionSecrets,
  saveConnection,
  type ConnectorRow,
} from './store.ts';

export const STATE_TTL_MS = 10 * 60_000;
/** Tokens expiring within this are refreshed before a run. */
export const REFRESH_MARGIN_MS = 2 * 60_000;

/**
 * Every request to the provider goes through the egress policy (no redirect followed); plain http
 * only to hosts the operator's allow-list admits (a local provider, the demo's).
 */
function requestOptions(egress: EgressPolicy, url: string) {
  const parsed = new URL(url);
  return {
    [oauth.customFetch]: egress.fetchFollowingNone,
    [oauth.allowInsecureRequests]: parsed.protocol === 'http:' && egress.isAllowListed(parsed),
  };
}

const discovered = new Map<string, { at: number; as: oauth.AuthorizationServer }>();

/** The connector's authorization server: discovered from its issuer (cached 10 min), or its two endpoints. */
export async function authorizationServer(egress: EgressPolicy, connector: ConnectorRow): Promise<oauth.AuthorizationServer> {
  if (connector.authorization_endpoint && connector.token_endpoint) {
    return {
      issuer: connector.issuer ?? new URL(connector.authorization_endpoint).origin,
      authorization_endpoint: connector.authorization_endpoint,
      token_endpoint: connector.token_endpoint,
    };
  }
  const issuer = connector.issuer!;
  const cached = discovered.get(issuer);
  if (cached && Date.now() - cached.at < 600_000) return cached.as;
  const url = new URL(issuer);
  const options = { algorithm: 'oidc' as const, ...requestOptions(egress, issuer) };
  let as: oauth.AuthorizationServer;
  try {
    as = await oauth.processDiscoveryResponse(url, await oauth.discoveryRequest(url, options));
  } catch (error) {
    throw panError(ERRORS.OAUTH_PROVIDER, `The provider of "${connector.display_name}" could not be reached: ${describeOAuthError(error)}`);
  }
  discovered.set(issuer, { at: Date.now(), as });
  return as;
}

function clientOf(connector: ConnectorRow, box: SecretBox): { client: oauth.Client; auth: oauth.ClientAuth } {
  const client: oauth.Client = { client_id: connector.client_id! };
  const secret = connector.client_secret_sealed ? box.open(connector.client_secret_sealed).toString('utf8') : undefined;
  return { client, auth: secret ? oauth.ClientSecretBasic(secret) : oauth.None() };
}

const hashState = (state: string) => createHash('sha256').update(state).digest();

export interface StartOptions {
  accountId: string;
  sub: string;
  tenantId?: string;
  redirectUri: string;
  returnOrigin: string;
  returnUrl?: string;
}

/** Records a new authorization request and returns the provider URL to open. */
export async function startAuthorization(
  db: Db,
  box: SecretBox,
  egress: EgressPolicy,
  connector: ConnectorRow,
  options: StartOptions,
): Promise<string> {
  const as = await authorizationServer(egress, connector);
  if (!as.authorization_endpoint) throw panError(ERRORS.OAUTH_PROVIDER, 'The provider has no authorization endpoint');
  const state = randomBytes(32).toString('base64url');
  const verifier = oauth.generateRandomCodeVerifier();
  await insertOAuthState(db, {
    stateHash: hashState(state),
    accountId: options.accountId,
    sub: options.sub,
    connectorId: connector.id,
    tenantId: options.tenantId ?? null,
    codeVerifierSealed: box.seal(verifier),
    redirectUri: options.redirectUri,
    returnOrigin: options.returnOrigin,
    returnUrl: options.returnUrl ?? null,
    ttlMs: STATE_TTL_MS,
  });
  // Expired states are of no use to anyone.
  void deleteExpiredOAuthStates(db).catch(() => {});
  const url = new URL(as.authorization_endpoint);
  const params = url.searchParams;
  for (const [key, value] of Object.entries(connector.extra_params)) params.set(key, value);
  params.set('response_type', 'code');
  params.set('client_id', connector.client_id!);
  params.set('redirect_uri', options.redirectUri);
  params.set('state', state);
  params.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
  params.set('code_challenge_method', 'S256');
  if (connector.scopes.length > 0) params.set('scope', connector.scopes.join(' '));
  return url.toString();
}

export interface CallbackOutcome {
  connector: string;
  returnOrigin: string;
  returnUrl: string | null;
}

/**
 * Completes an authorization from the provider's redirect: the state must be known, unused and
 * fresh (it is used up whatever happens next); then the code is exchanged and the tokens sealed.
 * Throws a PanError whose `details` carry where to send the result when the state was valid.
 */
export async function completeAuthorization(db: Db, box: SecretBox, egress: EgressPolicy, callbackUrl: URL): Promise<CallbackOutcome> {
  const state = callbackUrl.searchParams.get('state');
  if (!state) throw panError(ERRORS.OAUTH_STATE_INVALID, 'The provider sent no state: start connecting again');
  const found = await consumeOAuthState(db, hashState(state));
  if (!found) {
    throw panError(ERRORS.OAUTH_STATE_INVALID, 'This sign-in link was already used or has expired: start connecting again');
  }
  // The state references its connector (ON DELETE CASCADE): it exists while the state does.
  const connector = (await findConnectorById(db, found.connector_id))!;
  const outcome = { connector: connector.name, returnOrigin: found.return_origin, returnUrl: found.return_url };
  const details = { oauth: outcome };
  const providerError = callbackUrl.searchParams.get('error');
  if (providerError) {
    const description = callbackUrl.searchParams.get('error_description');
    if (providerError === 'access_denied') {
      throw panError(ERRORS.OAUTH_DENIED, `Access was denied at ${connector.display_name}; nothing was saved`, details);
    }
    // The provider answered, on the redirect: the sign-in's 400, not the 502 of a provider out of reach.
    throw panError(
      ERRORS.OAUTH_PROVIDER,
      `${connector.display_name} answered "${providerError}"${description ? `: ${description}` : ''}; nothing was saved`,
      details,
      ERRORS.OAUTH_PROVIDER.alsoStatus,
    );
  }
  const as = await authorizationServer(egress, connector);
  const { client, auth } = clientOf(connector, box);
  const insecure = requestOptions(egress, as.token_endpoint ?? as.issuer);
  let tokens: oauth.TokenEndpointResponse;
  try {
    const params = oauth.validateAuthResponse(as, client, callbackUrl, oauth.skipStateCheck);
    const verifier = box.open(found.code_verifier_sealed).toString('utf8');
    const response = await oauth.authorizationCodeGrantRequest(as, client, auth, params, found.redirect_uri, verifier, insecure);
    tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { requireIdToken: false });
  } catch (error) {
    throw panError(ERRORS.OAUTH_EXCHANGE, `${connector.display_name} did not accept the sign-in: ${describeOAuthError(error)}; nothing was saved`, details);
  }
  await saveConnection(db, box, {
    accountId: found.account_id,
    sub: found.user_sub,
    connectorId: connector.id,
    secrets: tokenSecrets(tokens),
    expiresAt: tokens.expires_in ? new Date(Date.now() + tokens.expires_in * 1000) : null,
  });
  return outcome;
}

function tokenSecrets(tokens: oauth.TokenEndpointResponse, previous?: Record<string, string>): Record<string, string> {
  const secrets: Record<string, string> = { access_token: tokens.access_token, token_type: tokens.token_type };
  const refresh = tokens.refresh_token ?? previous?.refresh_token;
  if (refresh) secrets.refresh_token = refresh;
  if (tokens.scope) secrets.scope = tokens.scope;
  return secrets;
}

function describeOAuthError(error: unknown): string {
  if (error instanceof oauth.ResponseBodyError) return `${error.error}${error.error_description ? ` (${error.error_description})` : ''}`;
  if (error instanceof oauth.AuthorizationResponseError) return `${error.error}${error.error_description ? ` (${error.error_description})` : ''}`;
  return egressRefusal(error) ?? (error as Error).message;
}

export type FreshSecrets = { ok: true; secrets: Record<string, string> } | { ok: false; reason: string };

/**
 * A connection's credentials for a run, refreshed first when they expire soon. Concurrent callers
 * (any process) wait on one advisory lock per connection and find the token the first one got:
 * the provider sees one refresh. A refused refresh marks the connection as needing reconnection.
 */
export async function secretsForRun(
  db: Db,
  box: SecretBox,
  egress: EgressPolicy,
  connectionId: string,
  connector: ConnectorRow,
): Promise<FreshSecrets> {
  return withTransaction(db, async (client: pg.PoolClient) => {
    const row = await lockConnectionSecrets(client, connectionId);
    if (!row) return { ok: false, reason: `Not connected to ${connector.display_name}` };
    if (row.status === 'needs_reconnect') return { ok: false, reason: row.status_reason ?? `Reconnect ${connector.display_name}` };
    const secrets = JSON.parse(box.open(row.secrets_sealed).toString('utf8')) as Record<string, string>;
    const expiring = connector.type === 'oauth2' && row.expires_at !== null && row.expires_at.getTime() - Date.now() < REFRESH_MARGIN_MS;
    if (!expiring) return { ok: true, secrets };
    const fail = async (reason: string): Promise<FreshSecrets> => {
      await markNeedsReconnect(client, connectionId, reason);
      return { ok: false, reason };
    };
    if (!secrets.refresh_token) return fail(`The ${connector.display_name} sign-in expired and cannot be renewed: reconnect it`);
    try {
      const as = await authorizationServer(egress, connector);
      const { client: oauthClient, auth } = clientOf(connector, box);
      const insecure = requestOptions(egress, as.token_endpoint ?? as.issuer);
      const response = await oauth.refreshTokenGrantRequest(as, oauthClient, auth, secrets.refresh_token, insecure);
      const tokens = await oauth.processRefreshTokenResponse(as, oauthClient, response);
      const fresh = tokenSecrets(tokens, secrets);
      await replaceConnectionSecrets(client, connectionId, {
        sealed: box.seal(JSON.stringify(fresh)),
        fieldNames: Object.keys(fresh).sort(),
        expiresAt: tokens.expires_in ? new Date(Date.now() + tokens.expires_in * 1000) : null,
      });
      return { ok: true, secrets: fresh };
    } catch (error) {
      return fail(`The ${connector.display_name} sign-in could not be renewed (${describeOAuthError(error)}): reconnect it`);
    }
  });
}
