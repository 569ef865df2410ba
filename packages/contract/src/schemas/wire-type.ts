/**
 * How the contract's types are derived from its schemas: `WireType<typeof schema>` is what that
 * JSON Schema lets through the wire, computed by json-schema-to-ts's `FromSchema`.
 */
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';

/**
 * The type of what `S` lets through. An object schema that lists `properties` is taken as closed
 * unless it says `additionalProperties` itself: Fastify's serialiser sends only the listed
 * properties, and no client should count on others a request happens to carry. (FromSchema
 * would otherwise give every such object a `[key: string]: unknown` index signature.)
 */
export type WireType<S extends JSONSchema> =
  Closed<S> extends infer C extends JSONSchema ? FromSchema<C, { parseIfThenElseKeywords: true; parseNotKeyword: true }> : never;

/**
 * `T` with some properties typed more precisely than its schema serialises them, e.g. a schedule
 * sent as "any object" that `scheduleSchema` describes. Each precise type must fit the serialised one.
 */
export type Refined<T, R extends { [K in keyof R]: K extends keyof T ? T[K] : never }> = Flat<Omit<T, keyof R> & R>;

/** Compiles only when `A` and `B` are the same type (each assignable to the other). */
export type Same<A extends B, B extends C, C = A> = true;

/** `Object.keys` typed as the keys: a `required` list naming every property, readable by FromSchema. */
export const keysOf = <P extends object>(properties: P) => Object.keys(properties) as Array<keyof P & string>;

type Flat<T> = { [K in keyof T]: T[K] } & {};

/** Keywords whose value is a subschema (or a list of them) describing the whole value, not a condition on it. */
type WholeSubschemas = 'items' | 'anyOf' | 'oneOf' | 'additionalProperties';

type Closed<S> = S extends readonly unknown[]
  ? { readonly [I in keyof S]: Closed<S[I]> }
  : S extends object
    ? {
        readonly [K in keyof S | (S extends { properties: object } ? 'additionalProperties' : never)]: K extends keyof S
          ? K extends 'properties'
            ? { readonly [P in keyof S[K]]: Closed<S[K][P]> }
            : K extends WholeSubschemas
              ? Closed<S[K]>
              : S[K]
          : false;
      }
    : S;
