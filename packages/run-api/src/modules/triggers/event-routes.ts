import type { FastifyInstance } from 'fastify';
import { fanOutEvent, type AppEvent } from './events.ts';

/** `POST /v2/events {name, user, payload}`: an app event, fanned out to the user's subscribed tenants. */
export async function eventRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: AppEvent }>(
    '/events',
    {
      schema: {
        body: {
          type: 'object',
          required: ['name', 'user'],
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            user: { type: 'string', minLength: 1, maxLength: 500 },
            payload: {},
          },
        },
        response: {
          202: {
            type: 'object',
            required: ['triggers', 'count'],
            properties: {
              triggers: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['tenant_id', 'trigger_id'],
                  properties: { tenant_id: { type: 'string' }, trigger_id: { type: 'string' } },
                },
              },
              count: { type: 'integer' },
              message: { type: 'string' },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const { name, user, payload } = request.body;
      const triggers = await fanOutEvent(app.db, request.hostAccount.accountId, { name, user, payload });
      return reply.status(202).send({
        triggers,
        count: triggers.length,
        ...(triggers.length === 0
          ? { message: `No active integration of user "${user}" subscribes to the event "${name}": nothing was queued` }
          : {}),
      });
    },
  );
}
