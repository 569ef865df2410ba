import type { ConnectorDefinition } from '@pan/contract';
import { findConnector, saveConnection, upsertConnector } from '../../src/modules/connections/store.ts';
import type { TestStack } from './stack.ts';

/**
 * Connectors for component tests (not seeded by `startTestStack()`: the browser setup adds them).
 * The OAuth2 ones point at a test provider at `providerUrl` whose `/authorize` acts on the
 * `client_id`: `approve` redirects back with a code, `deny` with `error=access_denied`, `hold` shows
 * a page that never answers (the user may only close it).
 */
export function fixtureConnectors(providerUrl: string): Record<string, ConnectorDefinition> {
  const oauth = (display_name: string, client_id: string): ConnectorDefinition => ({
    type: 'oauth2',
    display_name,
    authorization_endpoint: `${providerUrl}/authorize`,
    token_endpoint: `${providerUrl}/token`,
    client_id,
    scopes: ['contacts'],
  });
  return {
    // The connector of the `hubspot-contacts` release.
    hubspot: oauth('HubSpot', 'approve'),
    'acme-billing': {
      type: 'api_key',
      display_name: 'Acme Billing',
      fields: [
        { name: 'api_key', label: 'API key', help: 'Settings → API in Acme Billing' },
        { name: 'account_id', label: 'Account ID', secret: false },
      ],
    },
    'acme-crm': oauth('Acme CRM', 'deny'),
    'acme-files': oauth('Acme Files', 'hold'),
  };
}

/** Defines `fixtureConnectors()` on the stack's account. */
export async function seedFixtureConnectors(stack: Pick<TestStack, 'db' | 'box' | 'accountId'>, providerUrl: string): Promise<void> {
  for (const [name, definition] of Object.entries(fixtureConnectors(providerUrl))) {
    await upsertConnector(stack.db, stack.box, stack.accountId, name, definition);
  }
}

/**
 * Gives `sub` a connection to `connector` whose refresh was refused (`needs_reconnect`), as the run
 * engine leaves it: the catalog then flags the integrations that use it.
 */
export async function seedNeedsReconnect(
  stack: Pick<TestStack, 'db' | 'box' | 'accountId'>,
  sub: string,
  connector: string,
  reason = 'The refresh was refused: invalid_grant',
): Promise<void> {
  const row = await findConnector(stack.db, stack.accountId, connector);
  if (!row) throw new Error(`No connector ${connector}`);
  await saveConnection(stack.db, stack.box, {
    accountId: stack.accountId,
    sub,
    connectorId: row.id,
    secrets: { access_token: 'expired-token', token_type: 'Bearer', refresh_token: 'refused-refresh-token' },
    expiresAt: new Date(Date.now() - 60_000),
  });
  await stack.db.query(
    `UPDATE connections SET status = 'needs_reconnect', status_reason = $4
      WHERE account_id = $1 AND user_sub = $2 AND connector_id = $3`,
    [stack.accountId, sub, row.id, reason],
  );
}
