import type { TypedApp } from '../../platform/type-provider.ts';
import { connectorBodySchema, type ConnectorDefinition } from '@pan/contract';
import type { EgressPolicy } from '../../platform/egress.ts';
import { ERRORS, panError } from '../../platform/errors.ts';
import { connectorView, listConnectors, upsertConnector } from './store.ts';

/** Connectors of the account (`X-API-KEY`): define, list. Client secrets are write-only. */
export async function connectorRoutes(app: TypedApp): Promise<void> {
  app.put(
    '/connectors/:name',
    {
      schema: {
        params: { type: 'object', required: ['name'], properties: { name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$' } } },
        body: connectorBodySchema,
      },
    },
    async (request) => {
      refuseUnreachable(app.egress, request.body);
      return connectorView(await upsertConnector(app.db, app.box, request.hostAccount.accountId, request.params.name, request.body));
    },
  );

  app.get('/connectors', async (request) => ({
    connectors: (await listConnectors(app.db, request.hostAccount.accountId)).map(connectorView),
  }));
}

/**
 * A connector whose provider or API the server could never call is refused when saved: a literal
 * non-public address or localhost that PAN_EGRESS_ALLOW does not admit, or plain http to a host it
 * does not admit (the server calls the issuer and the token endpoint; the browser opens the
 * authorization endpoint, which is held to the same addresses). The API base URLs (the connector
 * proxy's targets) are held to the same rules.
 */
function refuseUnreachable(egress: EgressPolicy, body: ConnectorDefinition): void {
  const errors: { field: string; message: string }[] = [];
  const urls: Array<[string, string | undefined]> = (body.api_base_urls ?? []).map((raw, i) => [`api_base_urls[${i}]`, raw]);
  if (body.type === 'oauth2') for (const field of ['issuer', 'token_endpoint', 'authorization_endpoint'] as const) urls.push([field, body[field]]);
  for (const [field, raw] of urls) {
    if (!raw) continue;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      continue; // the schema's format check answers for malformed URLs
    }
    if (field.startsWith('api_base_urls') && (url.username || url.password || url.search || url.hash)) {
      const message = 'must be a base URL without user info, query or fragment';
      throw panError(ERRORS.REQUEST_INVALID, `${field}: ${message}`, { errors: [{ field, message }] });
    }
    const refusal = egress.refusalOf(url);
    if (refusal) errors.push({ field, message: refusal });
    else if (field !== 'authorization_endpoint' && url.protocol === 'http:' && !egress.isAllowListed(url)) {
      errors.push({ field, message: 'must use https: http:// is accepted only for hosts PAN_EGRESS_ALLOW admits' });
    }
  }
  if (errors.length > 0) {
    throw panError(ERRORS.EGRESS_REFUSED, errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
  }
}
