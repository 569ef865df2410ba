/**
 * A public integer id: Pandium's published API names integrations, releases, tenants and runs by
 * integers (the server's `num_id`s; UUIDs stay inside and in the marketplace API).
 */
export const publicIdSchema = { type: 'integer', minimum: 1, maximum: 9007199254740991 } as const;

/**
 * A host path's `:integration` (or `:release`): the public integer id, or *(ours)* the slug or the UUID.
 * Digits only are the integer id.
 */
export const hostRefSchema = (description: string) =>
  ({ anyOf: [publicIdSchema, { type: 'string', minLength: 1, maxLength: 100 }], description }) as const;
