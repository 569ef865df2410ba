/**
 * The Fastify instance the route plugins get. Its type provider (json-schema-to-ts, as
 * @pan/contract derives the wire types) types each handler's request (params, querystring, body)
 * and answer from the route's own schemas, so a route declares no request type by hand.
 */
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';

type SchemaOptions = { parseIfThenElseKeywords: true; parseNotKeyword: true };

export type TypedApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  JsonSchemaToTsProvider<{ ValidatorSchemaOptions: SchemaOptions; SerializerSchemaOptions: SchemaOptions }>
>;
