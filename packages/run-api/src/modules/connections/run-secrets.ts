import type { SecretBox } from '../../platform/crypto/secret-box.ts';
import type { Db } from '../../platform/db/pool.ts';
import type { EgressPolicy } from '../../platform/egress.ts';
import { secretsForRun } from './oauth.ts';
import { findConnectionId, findConnector } from './store.ts';

export type RunSecrets =
  | {
      ok: true;
      secrets: Record<string, Record<string, string>>;
      notes: string[];
      /** The values the run log must not show (every field but those marked `secret: false`). */
      masked: string[];
    }
  /** A sign-in could not be renewed: the run ends as `Failed (Refresh)`. */
  | { ok: false; reason: string };

/**
 * The connectors whose credentials a run gets: those attached to the integration, then any other
 * its release's PANDIUM.yaml lists. As in Pandium, the `connectors:` key adds, it does not gate:
 * most real PANDIUM.yaml files have none and their scripts read the integration's connectors.
 */
export function runConnectors(integration: readonly string[], release: readonly string[] | undefined): string[] {
  return [...new Set([...integration, ...(release ?? [])])];
}

/**
 * The credentials a run gets for its connectors (`runConnectors`), keyed by connector then field
 * (`PAN_SEC_<CONNECTOR>_<FIELD>`). OAuth2 connections give their access token only (refreshed
 * first when it expires soon); API-key connections give every field. A connector the user has not
 * connected gives nothing, and a note for the log says so.
 */
export async function runSecrets(db: Db, box: SecretBox, egress: EgressPolicy, accountId: string, sub: string, connectors: readonly string[]): Promise<RunSecrets> {
  const secrets: Record<string, Record<string, string>> = {};
  const notes: string[] = [];
  const masked: string[] = [];
  for (const name of connectors) {
    const connector = await findConnector(db, accountId, name);
    const connectionId = connector ? await findConnectionId(db, accountId, sub, connector.id) : null;
    if (!connector || !connectionId) {
      notes.push(`[pan] not connected to ${connector?.display_name ?? name}: no PAN_SEC_${name.toUpperCase()}_* variables`);
      continue;
    }
    const fresh = await secretsForRun(db, box, egress, connectionId, connector);
    if (!fresh.ok) return { ok: false, reason: fresh.reason };
    secrets[name] = connector.type === 'oauth2' ? { access_token: fresh.secrets.access_token! } : fresh.secrets;
    const shown = new Set(connector.type === 'oauth2' ? [] : connector.fields.filter((f) => f.secret === false).map((f) => f.name));
    for (const [field, value] of Object.entries(secrets[name])) if (!shown.has(field)) masked.push(value);
  }
  return { ok: true, secrets, notes, masked };
}
