/**
 * Connectors (per account) and connections (per end user and connector). Credentials are sealed
 * with the secret box; nothing here returns a secret to a caller outside the run engine.
 */
import type pg from 'pg';
import type { Connection, ConnectorDefinition, ConnectorField } from '@pan/contract';
import type { SecretBox } from '../../platform/crypto/secret-box.ts';
import type { Queryable } from '../../platform/db/pool.ts';


export interface ConnectorRow {
  id: string;
  account_id: string;
  name: string;
  type: 'oauth2' | 'api_key';
  display_name: string;
  issuer: string | null;
  authorization_endpoint: string | null;
  token_endpoint: string | null;
  client_id: string | null;
  client_secret_sealed: Buffer | null;
  scopes: string[];
  extra_params: Record<string, string>;
  fields: ConnectorField[];
  /** Where the connector proxy may send requests (empty: nowhere). */
  api_base_urls: string[];
}

const CONNECTOR_COLUMNS = `id, account_id, name, type, display_name, issuer, authorization_endpoint, token_endpoint,
  client_id, client_secret_sealed, scopes, extra_params, fields, api_base_urls`;

/** Creates or replaces a connector. An omitted `client_secret` keeps the stored one. */
export async function upsertConnector(q: Queryable, box: SecretBox, accountId: string, name: string, def: ConnectorDefinition): Promise<ConnectorRow> {
  const oauth = def.type === 'oauth2' ? def : undefined;
  const { rows } = await q.query<ConnectorRow>(
    `INSERT INTO connectors (account_id, name, type, display_name, issuer, authorization_endpoint, token_endpoint,
                             client_id, client_secret_sealed, scopes, extra_params, fields, api_base_urls)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (account_id, name) DO UPDATE SET
       type = EXCLUDED.type, display_name = EXCLUDED.display_name, issuer = EXCLUDED.issuer,
       authorization_endpoint = EXCLUDED.authorization_endpoint, token_endpoint = EXCLUDED.token_endpoint,
       client_id = EXCLUDED.client_id,
       client_secret_sealed = CASE WHEN EXCLUDED.type = 'oauth2' THEN coalesce(EXCLUDED.client_secret_sealed, connectors.client_secret_sealed) END,
       scopes = EXCLUDED.scopes, extra_params = EXCLUDED.extra_params, fields = EXCLUDED.fields,
       api_base_urls = EXCLUDED.api_base_urls, updated_at = now()
     RETURNING ${CONNECTOR_COLUMNS}`,
    [
      accountId,
      name,
      def.type,
      def.display_name,
      oauth?.issuer ?? null,
      oauth?.authorization_endpoint ?? null,
      oauth?.token_endpoint ?? null,
      oauth?.client_id ?? null,
      oauth?.client_secret ? box.seal(oauth.client_secret) : null,
      oauth?.scopes ?? [],
      JSON.stringify(oauth?.extra_params ?? {}),
      JSON.stringify(def.type === 'api_key' ? def.fields : []),
      def.api_base_urls ?? [],
    ],
  );
  return rows[0]!;
}

export async function listConnectors(q: Queryable, accountId: string): Promise<ConnectorRow[]> {
  const { rows } = await q.query<ConnectorRow>(`SELECT ${CONNECTOR_COLUMNS} FROM connectors WHERE account_id = $1 ORDER BY name`, [accountId]);
  return rows;
}

export async function findConnector(q: Queryable, accountId: string, name: string): Promise<ConnectorRow | null> {
  const { rows } = await q.query<ConnectorRow>(`SELECT ${CONNECTOR_COLUMNS} FROM connectors WHERE account_id = $1 AND name = $2`, [accountId, name]);
  return rows[0] ?? null;
}

export async function findConnectorById(q: Queryable, id: string): Promise<ConnectorRow | null> {
  const { rows } = await q.query<ConnectorRow>(`SELECT ${CONNECTOR_COLUMNS} FROM connectors WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

/** The host's view of a connector: its settings, whether a client secret is stored (never the secret). */
export function connectorView(row: ConnectorRow) {
  return {
    name: row.name,
    type: row.type,
    display_name: row.display_name,
    ...(row.type === 'oauth2'
      ? {
          issuer: row.issuer,
          authorization_endpoint: row.authorization_endpoint,
          token_endpoint: row.token_endpoint,
          client_id: row.client_id,
          client_secret_set: row.client_secret_sealed !== null,
          scopes: row.scopes,
          extra_params: row.extra_params,
        }
      : { fields: row.fields }),
    api_base_urls: row.api_base_urls,
  };
}

interface ConnectionRow {
  id: string;
  connector_id: string;
  field_names: string[];
  expires_at: Date | null;
  status: 'connected' | 'needs_reconnect';
  status_reason: string | null;
  connected_at: Date;
}

/** Every connector of the account with this user's connection state (or only `names`). */
export async function listUserConnections(q: Queryable, accountId: string, sub: string, names?: readonly string[]): Promise<Connection[]> {
  const { rows } = await q.query<ConnectorRow & { connection: ConnectionRow | null }>(
    `SELECT ${CONNECTOR_COLUMNS.replace(/(^|,\s*)(\w)/g, '$1c.$2')},
            (SELECT row_to_json(x) FROM (SELECT id, connector_id, field_names, expires_at, status, status_reason, connected_at
               FROM connections WHERE connector_id = c.id AND user_sub = $2) x) AS connection
       FROM connectors c
      WHERE c.account_id = $1 AND ($3::text[] IS NULL OR c.name = ANY($3))
      ORDER BY c.name`,
    [accountId, sub, names ?? null],
  );
  return rows.map((row) => toConnection(row, row.connection));
}

function toConnection(connector: ConnectorRow, connection: ConnectionRow | null): Connection {
  return {
    connector: connector.name,
    display_name: connector.display_name,
    type: connector.type,
    ...(connector.type === 'api_key' ? { fields: connector.fields } : {}),
    status: !connection ? 'not_connected' : connection.status,
    status_reason: connection?.status_reason ?? null,
    expires_at: connection?.expires_at ? new Date(connection.expires_at).toISOString() : null,
    connected_at: connection ? new Date(connection.connected_at).toISOString() : null,
    stored_fields: connection?.field_names ?? [],
  };
}

/** Stores (replaces) a user's credentials for a connector, sealed. */
export async function saveConnection(
  q: Queryable,
  box: SecretBox,
  connection: { accountId: string; sub: string; connectorId: string; secrets: Record<string, string>; expiresAt: Date | null },
): Promise<void> {
  await q.query(
    `INSERT INTO connections (account_id, user_sub, connector_id, secrets_sealed, field_names, expires_at, status, status_reason)
     VALUES ($1, $2, $3, $4, $5, $6, 'connected', NULL)
     ON CONFLICT (account_id, user_sub, connector_id) DO UPDATE SET
       secrets_sealed = EXCLUDED.secrets_sealed, field_names = EXCLUDED.field_names, expires_at = EXCLUDED.expires_at,
       status = 'connected', status_reason = NULL, connected_at = now(), updated_at = now()`,
    [
      connection.accountId,
      connection.sub,
      connection.connectorId,
      box.seal(JSON.stringify(connection.secrets)),
      Object.keys(connection.secrets).sort(),
      connection.expiresAt,
    ],
  );
}

export async function deleteConnection(q: Queryable, accountId: string, sub: string, connectorId: string): Promise<boolean> {
  const { rowCount } = await q.query('DELETE FROM connections WHERE account_id = $1 AND user_sub = $2 AND connector_id = $3', [
    accountId,
    sub,
    connectorId,
  ]);
  return rowCount === 1;
}

/** The connection of this user to this connector, or null. */
export async function findConnectionId(q: Queryable, accountId: string, sub: string, connectorId: string): Promise<string | null> {
  const { rows } = await q.query<{ id: string }>('SELECT id FROM connections WHERE account_id = $1 AND user_sub = $2 AND connector_id = $3', [
    accountId,
    sub,
    connectorId,
  ]);
  return rows[0]?.id ?? null;
}

/**
 * Locks one connection for this transaction (one refresh at a time, however many runs ask) and
 * reads its sealed secrets and state.
 */
export async function lockConnectionSecrets(client: pg.PoolClient, connectionId: string) {
  await client.query("SELECT pg_advisory_xact_lock(hashtext('pan-connection:' || $1))", [connectionId]);
  const { rows } = await client.query<{ secrets_sealed: Buffer; expires_at: Date | null; status: string; status_reason: string | null }>(
    'SELECT secrets_sealed, expires_at, status, status_reason FROM connections WHERE id = $1',
    [connectionId],
  );
  return rows[0] ?? null;
}

export async function markNeedsReconnect(q: Queryable, connectionId: string, reason: string): Promise<void> {
  await q.query(`UPDATE connections SET status = 'needs_reconnect', status_reason = $2, updated_at = now() WHERE id = $1`, [connectionId, reason]);
}

export async function replaceConnectionSecrets(
  q: Queryable,
  connectionId: string,
  secrets: { sealed: Buffer; fieldNames: string[]; expiresAt: Date | null },
): Promise<void> {
  await q.query(`UPDATE connections SET secrets_sealed = $2, field_names = $3, expires_at = $4, updated_at = now() WHERE id = $1`, [
    connectionId,
    secrets.sealed,
    secrets.fieldNames,
    secrets.expiresAt,
  ]);
}

// ---- OAuth2 authorization requests ---------------------------------------------------------------

export async function insertOAuthState(
  q: Queryable,
  state: {
    stateHash: Buffer;
    accountId: string;
    sub: string;
    connectorId: string;
    tenantId: string | null;
    codeVerifierSealed: Buffer;
    redirectUri: string;
    returnOrigin: string;
    returnUrl: string | null;
    ttlMs: number;
  },
): Promise<void> {
  await q.query(
    `INSERT INTO oauth_states (state_hash, account_id, user_sub, connector_id, tenant_id, code_verifier_sealed, redirect_uri,
                               return_origin, return_url, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now() + make_interval(secs => $10::float8 / 1000))`,
    [
      state.stateHash,
      state.accountId,
      state.sub,
      state.connectorId,
      state.tenantId,
      state.codeVerifierSealed,
      state.redirectUri,
      state.returnOrigin,
      state.returnUrl,
      state.ttlMs,
    ],
  );
}

export async function deleteExpiredOAuthStates(q: Queryable): Promise<void> {
  await q.query("DELETE FROM oauth_states WHERE expires_at < now() - interval '1 day'");
}

/** Marks an unused, unexpired state used and returns it; null when it is unknown, used or expired. */
export async function consumeOAuthState(q: Queryable, stateHash: Buffer) {
  const { rows } = await q.query<{
    account_id: string;
    user_sub: string;
    code_verifier_sealed: Buffer;
    redirect_uri: string;
    return_origin: string;
    return_url: string | null;
    connector_id: string;
  }>(
    `UPDATE oauth_states s SET used_at = now()
      WHERE state_hash = $1 AND used_at IS NULL AND expires_at > now()
     RETURNING s.account_id, s.user_sub, s.code_verifier_sealed, s.redirect_uri, s.return_origin, s.return_url, s.connector_id`,
    [stateHash],
  );
  return rows[0] ?? null;
}
