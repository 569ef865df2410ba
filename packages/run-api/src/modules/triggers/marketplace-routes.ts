import type { TypedApp } from '../../platform/type-provider.ts';
import { notFound } from '../../platform/errors.ts';
import { requirePermission } from '../accounts/permissions.ts';
import { readWebhookAddress } from '../tenants/store.ts';
import { queueTrigger } from './service.ts';
import { readTriggerStatus } from './store.ts';
import { idParamsSchema, runRequestBodySchema, tenantWebhookSchema, triggerAcceptedSchema, triggerStatusSchema } from '@pan/contract';

/** Run now, a tenant's webhook address and a trigger's state, for the calling end user. */
export async function marketplaceTriggerRoutes(app: TypedApp): Promise<void> {
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
    '/tenants/:id/webhook',
    {
      schema: {
        params: idParamsSchema,
        response: { 200: tenantWebhookSchema },
      },
    },
    async (request, reply) => {
      const address = await readWebhookAddress(app.db, request.endUser, request.params.id);
      if (!address) throw notFound('Tenant');
      reply.header('cache-control', 'private, no-store');
      return { url: `${app.config.publicUrl}/webhooks/${address.webhookToken}`, signed: address.signed };
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
