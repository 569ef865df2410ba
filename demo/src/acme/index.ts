import type { JsonWebKey } from 'node:crypto';
import { startAcmeApi, type AcmeApi } from './api.ts';
import { billingAccounts, deriveSecret, type BillingAccount } from './data.ts';
import { ACME_API_CLIENT_ID, ACME_API_RESOURCE, startAcmeProvider, type AcmeProvider } from './provider.ts';

export { ACME_PASSWORD, acmeUsers } from './data.ts';
export { ACME_CLIENT_ID } from './provider.ts';
export { generateAcmeSigningKey } from './signing-key.ts';

export interface AcmeOptions {
  host?: string;
  /** The OAuth2 provider's port (`PAN_DEMO_ACME_PORT`, default 3200); 0: any free port. */
  providerPort: number;
  /** The Acme API's port (`PAN_DEMO_ACME_API_PORT`, default 3201); 0: any free port. */
  apiPort: number;
  /** The run API's OAuth callback(s), registered as the client's redirect URIs. */
  redirectUris: string[];
  /** A persisted secret the client secret and the billing API keys are derived from (stable across restarts). */
  secret: string;
  /** The provider's signing key (a private JWK); a new one when unset. */
  signingKey?: JsonWebKey;
}

export interface Acme {
  provider: AcmeProvider;
  api: AcmeApi;
  clientSecret: string;
  billing: BillingAccount[];
  close(): Promise<void>;
}

/** Starts the Acme CRM provider, then the Acme API that checks its tokens. */
export async function startAcme(options: AcmeOptions): Promise<Acme> {
  const clientSecret = deriveSecret(options.secret, 'acme-crm:client-secret:pan-marketplace-demo');
  const provider = await startAcmeProvider({
    host: options.host,
    port: options.providerPort,
    clientSecret,
    redirectUris: options.redirectUris,
    apiClientSecret: deriveSecret(options.secret, 'acme-crm:client-secret:acme-api'),
    signingKey: options.signingKey,
  });
  let api: AcmeApi;
  try {
    api = await startAcmeApi({
      host: options.host,
      port: options.apiPort,
      introspectionEndpoint: provider.introspectionEndpoint,
      clientId: ACME_API_CLIENT_ID,
      clientSecret: deriveSecret(options.secret, 'acme-crm:client-secret:acme-api'),
      audience: ACME_API_RESOURCE,
      billingSecret: options.secret,
    });
  } catch (error) {
    await provider.close();
    throw error;
  }
  return {
    provider,
    api,
    clientSecret,
    billing: billingAccounts(options.secret),
    async close() {
      await api.close();
      await provider.close();
    },
  };
}

/** The two connectors the demo account defines for them (`PUT /v2/connectors/:name`). */
export function acmeConnectors(acme: Acme): Record<string, Record<string, unknown>> {
  return {
    'acme-crm': {
      type: 'oauth2',
      display_name: 'Acme CRM',
      issuer: acme.provider.issuer,
      client_id: acme.provider.client.client_id,
      client_secret: acme.clientSecret,
      scopes: ['openid', 'offline_access', 'contacts:read'],
      // OpenID Connect grants offline_access (the refresh token) only with prompt=consent.
      extra_params: { prompt: 'consent' },
    },
    'acme-billing': {
      type: 'api_key',
      display_name: 'Acme Billing',
      fields: [
        { name: 'api_key', label: 'API key', help: 'Find it under Settings → API in Acme Billing' },
        { name: 'account_id', label: 'Account ID', help: 'Like ACME-1001, shown next to the key', secret: false },
      ],
    },
  };
}
