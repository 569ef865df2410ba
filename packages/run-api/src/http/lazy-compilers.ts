import AjvCompiler from '@fastify/ajv-compiler';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
type BuildValidator = NonNullable<CompilersFactory['buildValidator']>;
type BuildSerializer = NonNullable<CompilersFactory['buildSerializer']>;

/**
 * Fastify's own compilers (ajv for request validation, fast-json-stringify for responses), each
 * route's schemas compiled at their first use instead of at start: compiling every route's took
 * a large part of the start, while a process serves few of its routes soon after it starts.
 * The same ajv options, formats and shared schemas as Fastify's defaults. (A custom factory makes
 * Fastify pass `headers` schemas unchanged, not lower-cased: no route has one.)
 */
export function lazyCompilers(): CompilersFactory {
  const buildValidator = AjvCompiler();
  const buildSerializer = SerializerSelector();
  return {
    buildValidator: ((externalSchemas, ajvOptions) => {
      const compile = buildValidator(externalSchemas, ajvOptions as never);
      return (route) => {
        let validate: ReturnType<typeof compile> | undefined;
        // Fastify reads the last call's `errors` from the function it holds.
        const lazy = (data: unknown) => {
          validate ??= compile(route);
          const result = validate(data);
          (lazy as { errors?: unknown }).errors = (validate as { errors?: unknown }).errors;
          return result;
        };
        return lazy as ReturnType<typeof compile>;
      };
    }) as BuildValidator,
    buildSerializer: ((externalSchemas, serializerOptions) => {
      const compile = buildSerializer(externalSchemas, serializerOptions as never);
      return (route) => {
        let serialize: ((doc: unknown) => string) | undefined;
        return (doc: unknown) => (serialize ??= compile(route))(doc);
      };
    }) as BuildSerializer,
  };
}
