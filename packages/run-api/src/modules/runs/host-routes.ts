import type { TypedApp } from '../../platform/type-provider.ts';
import { ERRORS, notFound, panError } from '../../platform/errors.ts';
import { readPaging } from '../../platform/paging.ts';
import { findTenantInScope } from '../tenants/store.ts';
import { listRuns, readRun, RUN_SORT } from './store.ts';
import { replayRun } from './replay.ts';
import { sendLogText, streamLog, wantsEventStream } from './log-responses.ts';
import { idParamsSchema, pagingQuerySchema, replayAcceptedSchema, runPageSchema } from '@pan/contract';

/** Runs for the host's backend (`X-API-KEY`): a tenant's history, one run, its log. */
export async function hostRunRoutes(app: TypedApp): Promise<void> {
  /** A tenant's runs, newest first: `limit`/`skip`/`sort_by` as every list, or the `before` cursor (`next_before`). */
  app.get(
    '/tenants/:id/runs',
    {
      schema: {
        params: idParamsSchema,
        querystring: pagingQuerySchema(RUN_SORT, {
          before: { type: 'string', format: 'uuid', description: 'Runs older than this one (the previous page’s `next_before`)' },
        }),
        response: { 200: runPageSchema },
      },
    },
    async (request) => {
      const scope = { accountId: request.hostAccount.accountId };
      const paging = readPaging(request.query, RUN_SORT, 'started_date__DESC');
      if (request.query.before && (request.query.sort_by || request.query.skip)) {
        throw panError(ERRORS.REQUEST_INVALID, 'before: a cursor in the default order; not with sort_by or skip', {
          errors: [{ field: 'before', message: 'not with sort_by or skip' }],
        });
      }
      if (!(await findTenantInScope(app.db, scope, request.params.id))) throw notFound('Tenant');
      return listRuns(app.db, scope, request.params.id, {
        limit: paging.limit,
        skip: paging.skip,
        orderBy: paging.orderBy,
        ...(request.query.before ? { before: request.query.before } : {}),
      });
    },
  );

  app.get('/runs/:id', { schema: { params: idParamsSchema } }, async (request) => {
    const run = await readRun(app.db, { accountId: request.hostAccount.accountId }, request.params.id);
    if (!run) throw notFound('Run');
    return run;
  });

  /** Replays a failed run: copies of its triggers (payloads included) queued, each with `replay_of`. */
  app.post('/runs/:id/replay', { schema: { params: idParamsSchema, response: { 202: replayAcceptedSchema } } }, async (request, reply) => {
    const ids = await replayRun(app.db, { accountId: request.hostAccount.accountId }, request.params.id, app.config.tenantPendingTriggerBytes);
    return reply.status(202).send({ trigger_id: ids[0]!, trigger_ids: ids });
  });

  /** A run's log: plain text, or Server-Sent Events with `Accept: text/event-stream` (live, resumable). */
  app.get('/runs/:id/log', { schema: { params: idParamsSchema } }, async (request, reply) => {
    const run = await readRun(app.db, { accountId: request.hostAccount.accountId }, request.params.id);
    if (!run) throw notFound('Run');
    if (wantsEventStream(request)) return streamLog(request, reply, app.logHub, run.id);
    return sendLogText(request, reply, run);
  });
}
