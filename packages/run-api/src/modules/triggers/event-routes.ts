import type { TypedApp } from '../../http/type-provider.ts';
import { appEventAcceptedSchema, appEventBodySchema } from '@pan/contract';
import { fanOutEvent } from './events.ts';

/** `POST /v2/events {name, user, payload}`: an app event, fanned out to the user's subscribed tenants. */
export async function eventRoutes(app: TypedApp): Promise<void> {
  app.post(
    '/events',
    {
      schema: {
        body: appEventBodySchema,
        response: { 202: appEventAcceptedSchema },
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
