import type { TypedApp } from '../../platform/type-provider.ts';
import { ERRORS, notFound, panError } from '../../platform/errors.ts';
import { readPaging } from '../../platform/paging.ts';
import { findTenantInScope } from '../tenants/store.ts';
import { listHostRuns, readHostRun, readRun, RUN_SORT } from './store.ts';
import { replayRun } from './replay.ts';
import { sendLogText, streamLog, wantsEventStream } from './log-responses.ts';
import { hostIdParamsSchema as idParamsSchema, hostRunSchema, listOf, pagingQuerySchema, publicIdSchema, replayAcceptedSchema } from '@pan/contract';

/** The path's `:id` (a public integer id or a UUID) as a UUID in `request.internalIds.id` (http/host-ids.ts). */
const tenantId = { publicIds: { params: { id: 'tenant' } } } as const;
const runId = { publicIds: { params: { id: 'run' } } } as const;

/** Runs for the host's backend (`X-API-KEY`): a tenant's history, one run, its log. */
export async function hostRunRoutes(app: TypedApp): Promise<void> {
  /** A tenant's runs (Pandium's `Run[]`), newest first: `limit`/`skip`/`sort_by` as every list, or (ours) the `before` cursor. */
  app.get(
    '/tenants/:id/runs',
    {
      schema: {
        params: idParamsSchema,
        querystring: pagingQuerySchema(RUN_SORT, {
          before: { ...publicIdSchema, description: '(ours) Runs older than this one (the id of the previous page’s last run)' },
        }),
        response: { 200: listOf(hostRunSchema) },
      },
      config: tenantId,
    },
    async (request) => {
      const scope = { accountId: request.hostAccount.accountId };
      const paging = readPaging(request.query, RUN_SORT, 'started_date__DESC');
      if (request.query.before && (request.query.sort_by || request.query.skip)) {
        throw panError(ERRORS.REQUEST_INVALID, 'before: a cursor in the default order; not with sort_by or skip', {
          errors: [{ field: 'before', message: 'not with sort_by or skip' }],
        });
      }
      const tenant = request.internalIds.id!;
      if (!(await findTenantInScope(app.db, scope, tenant))) throw notFound('Tenant');
      return listHostRuns(app.db, scope.accountId, tenant, {
        limit: paging.limit,
        skip: paging.skip,
        orderBy: paging.orderBy,
        ...(request.query.before ? { before: request.query.before } : {}),
      });
    },
  );

  app.get('/runs/:id', { schema: { params: idParamsSchema, response: { 200: hostRunSchema } }, config: runId }, async (request) => {
    const run = await readHostRun(app.db, request.hostAccount.accountId, request.internalIds.id!);
    if (!run) throw notFound('Run');
    return run;
  });

  /** Replays a failed run: copies of its triggers (payloads included) queued, each with `replay_of`. */
  app.post('/runs/:id/replay', { schema: { params: idParamsSchema, response: { 202: replayAcceptedSchema } }, config: runId }, async (request, reply) => {
    const ids = await replayRun(app.db, { accountId: request.hostAccount.accountId }, request.internalIds.id!, app.config.tenantPendingTriggerBytes);
    return reply.status(202).send({ trigger_id: ids[0]!, trigger_ids: ids });
  });

  /** A run's log: plain text, or Server-Sent Events with `Accept: text/event-stream` (live, resumable). */
  app.get('/runs/:id/log', { schema: { params: idParamsSchema }, config: runId }, async (request, reply) => {
    const run = await readRun(app.db, { accountId: request.hostAccount.accountId }, request.internalIds.id!);
    if (!run) throw notFound('Run');
    if (wantsEventStream(request)) return streamLog(request, reply, app.logHub, run.id);
    return sendLogText(request, reply, run);
  });
}
