/**
 * The account's retention periods for the host's backend (`X-API-KEY`): how long its runs, trigger
 * payloads and notification deliveries are kept before the pruner (runs/retention.ts) deletes them.
 */
import type { Retention } from '@pan/contract';
import { retentionSchema, retentionSettingsSchema } from '@pan/contract';
import type { RetentionConfig } from '../../platform/config.ts';
import { notFound } from '../../platform/errors.ts';
import type { TypedApp } from '../../platform/type-provider.ts';
import { readAccountRetention, updateAccountRetention, type AccountRetention } from './store.ts';

function answer(row: AccountRetention, defaults: RetentionConfig): Retention {
  return {
    runs_days: row.retention_runs_days,
    payloads_days: row.retention_payloads_days,
    deliveries_days: row.retention_deliveries_days,
    effective: {
      runs_days: row.retention_runs_days ?? defaults.runsDays,
      payloads_days: row.retention_payloads_days ?? defaults.payloadsDays,
      deliveries_days: row.retention_deliveries_days ?? defaults.deliveriesDays,
    },
  };
}

export async function retentionRoutes(app: TypedApp): Promise<void> {
  app.get('/retention', { schema: { response: { 200: retentionSchema } } }, async (request) => {
    const row = await readAccountRetention(app.db, request.hostAccount.accountId);
    if (!row) throw notFound('Account');
    return answer(row, app.config.retention);
  });

  app.put('/retention', { schema: { body: retentionSettingsSchema, response: { 200: retentionSchema } } }, async (request) => {
    const accountId = request.hostAccount.accountId;
    const body = request.body;
    const settings = { retention_runs_days: body.runs_days, retention_payloads_days: body.payloads_days, retention_deliveries_days: body.deliveries_days };
    if (!(await updateAccountRetention(app.db, accountId, settings))) throw notFound('Account');
    return answer({ id: accountId, ...settings }, app.config.retention);
  });
}
