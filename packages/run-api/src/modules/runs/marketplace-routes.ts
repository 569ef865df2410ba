import type { TypedApp } from '../../http/type-provider.ts';
import { notFound } from '../../platform/errors.ts';
import { findTenantInScope, listRuns, readRun } from './history.ts';
import { sendLogText, streamLog, wantsEventStream } from './log-responses.ts';
import { queueTrigger, requirePermission } from '../triggers/service.ts';
import { readTriggerStatus } from '../triggers/store.ts';
import {
  idParamsSchema,
  runPageQuerySchema,
  runPageSchema,
  runRequestBodySchema,
  runSchema,
  tenantWebhookSchema,
  triggerAcceptedSchema,
  triggerStatusSchema,
} from '@pan/contract';

/** Run now, run history and live logs for the calling end user's tenants. */
export async function runRoutes(app: TypedApp): Promise<void> {
  app.post(
    '/tenants/:id/runs',
    { schema: { params: idParamsSchema, body: runRequestBodySchema, response: { 202: triggerAcceptedSchema } } },
    async (request, reply) => {
      const mode = request.body?.mode ?? 'normal';
      requirePermission(request.endUser, mode === 'init' ? 'run:init' : 'run', mode === 'init' ? 'load options (an init run)' : 'run this integration');
      const { accountId, sub } = request.endUser;
      const triggerId = await queueTrigger(app.db, { accountId, sub }, request.params.id, { source: 'manual', mode });
      return reply.status(202).header('cache-control', 'no-store').send({ trigger_id: triggerId });
    },
  );

  app.get(
    '/tenants/:id/runs',
    { schema: { params: idParamsSchema, querystring: runPageQuerySchema, response: { 200: runPageSchema } } },
    async (request, reply) => {
      const { accountId, sub } = request.endUser;
      if (!(await findTenantInScope(app.db, { accountId, sub }, request.params.id))) throw notFound('Tenant');
      reply.header('cache-control', 'private, no-store');
      return listRuns(app.db, { accountId, sub }, request.params.id, request.query);
    },
  );

  app.get(
    '/runs/:id',
    { schema: { params: idParamsSchema, response: { 200: runSchema } } },
    async (request, reply) => {
      const run = await readRun(app.db, request.endUser, request.params.id);
      if (!run) throw notFound('Run');
      reply.header('cache-control', 'private, no-store');
      return run;
    },
  );

  app.get('/runs/:id/log', { schema: { params: idParamsSchema } }, async (request, reply) => {
    const run = await readRun(app.db, request.endUser, request.params.id);
    if (!run) throw notFound('Run');
    requirePermission(request.endUser, 'logs', 'read run logs');
    if (wantsEventStream(request)) return streamLog(request, reply, app.logHub, run.id);
    return sendLogText(request, reply, run);
  });

  app.get(
    '/tenants/:id/webhook',
    {
      schema: {
        params: idParamsSchema,
        response: { 200: tenantWebhookSchema },
      },
    },
    async (request, reply) => {
      const { rows } = await app.db.query<{ webhook_token: string; signed: boolean }>(
        `SELECT webhook_token, webhook_secret_sealed IS NOT NULL AS signed FROM tenants
          WHERE id = $1 AND account_id = $2 AND user_sub = $3 AND archived_at IS NULL`,
        [request.params.id, request.endUser.accountId, request.endUser.sub],
      );
      if (!rows[0]) throw notFound('Tenant');
      reply.header('cache-control', 'private, no-store');
      return { url: `${app.config.publicUrl}/webhooks/${rows[0].webhook_token}`, signed: rows[0].signed };
    },
  );

  app.get(
    '/triggers/:id',
    { schema: { params: idParamsSchema, response: { 200: triggerStatusSchema } } },
    async (request, reply) => {
      const status = await readTriggerStatus(app.db, request.endUser, request.params.id);
      if (!status) throw notFound('Trigger');
      reply.header('cache-control', 'private, no-store');
      return status;
    },
  );
}
