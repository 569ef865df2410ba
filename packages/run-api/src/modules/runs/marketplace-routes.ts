import type { TypedApp } from '../../platform/type-provider.ts';
import { notFound } from '../../platform/errors.ts';
import { listRuns, readRun } from './store.ts';
import { replayRun } from './replay.ts';
import { findTenantInScope } from '../tenants/store.ts';
import { sendLogText, streamLog, wantsEventStream } from './log-responses.ts';
import { requirePermission } from '../accounts/permissions.ts';
import { idParamsSchema, replayAcceptedSchema, runPageQuerySchema, runPageSchema, runSchema } from '@pan/contract';

/** Run history and live logs for the calling end user's tenants. */
export async function runRoutes(app: TypedApp): Promise<void> {
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

  // Replay needs what running it needs (`run`, and `run:init` for an init run), checked once the
  // run is known to be the caller's: someone else's is 404 whatever their permissions.
  app.post(
    '/runs/:id/replay',
    { schema: { params: idParamsSchema, response: { 202: replayAcceptedSchema } } },
    async (request, reply) => {
      const ids = await replayRun(app.db, request.endUser, request.params.id, app.config.tenantPendingTriggerBytes, (run) => {
        if (run.mode === 'init') requirePermission(request.endUser, 'run:init', 'replay an init run');
        else requirePermission(request.endUser, 'run', 'replay a run');
      });
      return reply.status(202).header('cache-control', 'no-store').send({ trigger_id: ids[0]!, trigger_ids: ids });
    },
  );

  app.get('/runs/:id/log', { schema: { params: idParamsSchema } }, async (request, reply) => {
    const run = await readRun(app.db, request.endUser, request.params.id);
    if (!run) throw notFound('Run');
    requirePermission(request.endUser, 'logs', 'read run logs');
    if (wantsEventStream(request)) return streamLog(request, reply, app.logHub, run.id);
    return sendLogText(request, reply, run);
  });
}
