/**
 * Releases built from git: the repository fields of an integration (Pandium's Integration has
 * them), `POST /v2/sourcecontrol/build` and the push-event webhook's URL and secret.
 */
import type { WireType } from './wire-type.ts';
import { hostRefSchema, publicIdSchema } from './public-ids.ts';

/**
 * A tag or branch name as git allows it, narrowed: no `..`, `//`, `@{`, leading `-`/`.`/`/`,
 * trailing `/`, `.` or `.lock`, no spaces or `~^:?*[\`.
 */
export const refNamePattern = '^(?!.*(\\.\\.|//|@\\{|\\.lock$|/$|\\.$))[A-Za-z0-9_][A-Za-z0-9._/+-]*$';

/** The repository fields, in an integration's listing (PUT) and as read back. */
export const repositoryProperties = {
  repository_url: {
    type: ['string', 'null'],
    maxLength: 2000,
    description: 'The git repository releases are built from: https:// (http:// only to hosts PAN_EGRESS_ALLOW admits; file:// only with PAN_SOURCECONTROL_ALLOW_FILE)',
  },
  repository_path: {
    type: ['string', 'null'],
    maxLength: 500,
    description: 'The directory inside the repository holding PANDIUM.yaml (empty: its root); never outside it',
  },
  repository_tracking_branch: {
    type: ['string', 'null'],
    maxLength: 255,
    pattern: refNamePattern,
    description: 'Pushes to this branch (POST /webhooks/sourcecontrol/<token>) build a release of its head',
  },
} as const;

/** `POST /v2/sourcecontrol/build`: Pandium's body. */
export const sourceBuildBodySchema = {
  type: 'object',
  required: ['tag', 'integration_id'],
  additionalProperties: false,
  properties: {
    tag: { type: 'string', minLength: 1, maxLength: 255, pattern: refNamePattern, description: 'The tag (or branch) to build; the release is named by it' },
    integration_id: hostRefSchema('The integration: its integer id, or (ours) its slug or UUID'),
    make_default: { type: 'boolean', default: true, description: "Make the release the integration's default (our extension)" },
  },
} as const;

/**
 * A build from git, queued by `POST /v2/sourcecontrol/build` or a push event and built by a worker
 * (`GET /v2/sourcecontrol/builds/:id`): queued, running, then succeeded with its release or failed
 * with the error the API would have answered (PANDIUM.yaml's with file:line:col in `message`).
 */
export const sourceBuildSchema = {
  type: 'object',
  required: ['id', 'state', 'integration_id', 'ref', 'commit', 'attempts', 'release', 'error', 'created_date', 'started_date', 'finished_date'],
  properties: {
    id: { type: 'string', format: 'uuid', description: 'The build id' },
    state: { type: 'string', enum: ['queued', 'running', 'succeeded', 'failed'] },
    integration_id: publicIdSchema,
    ref: { type: 'string', description: 'The tag or branch fetched' },
    commit: { type: ['string', 'null'], description: 'The commit built (once succeeded)' },
    attempts: { type: 'integer', description: 'Claims so far (a build whose process died is claimed again)' },
    release: {
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          required: ['id', 'version', 'created', 'is_default'],
          properties: {
            id: { ...publicIdSchema, description: 'The release id' },
            uuid: { type: 'string', format: 'uuid', description: '(ours)' },
            version: { type: 'string' },
            created: { type: 'boolean', description: 'false: that content was already this release' },
            is_default: { type: 'boolean' },
            warnings: { type: 'array', items: { type: 'string' }, description: "PANDIUM.yaml's warnings, one line each (file:line:col)" },
          },
        },
      ],
    },
    error: {
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          required: ['message'],
          properties: {
            code: { type: 'string', description: 'PAN_ERR_...' },
            message: { type: 'string' },
            errors: { type: 'array', items: { type: 'object', additionalProperties: true } },
          },
        },
      ],
    },
    created_date: { type: 'string', format: 'date-time' },
    started_date: { type: ['string', 'null'], format: 'date-time' },
    finished_date: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

/** 202 of `POST /v2/sourcecontrol/build` and of a push event that builds: the queued build. */
export const buildQueuedSchema = {
  type: 'object',
  required: ['build_id', 'state', 'status_url'],
  properties: {
    build_id: { type: 'string', format: 'uuid' },
    state: { type: 'string', enum: ['queued'] },
    status_url: { type: 'string', description: 'GET it (with the API key) until state is succeeded or failed' },
  },
} as const;

/**
 * `PUT /v2/integrations/:integration/sourcecontrol/credentials`: a private repository's HTTPS
 * token (GitHub: a fine-grained token, user name `x-access-token`; GitLab: a deploy or project
 * token and its user name; Bitbucket: an app password and the account's user name). Kept sealed,
 * never returned or logged; builds hand it to git through askpass.
 */
export const sourceCredentialsBodySchema = {
  type: 'object',
  required: ['token'],
  additionalProperties: false,
  properties: {
    username: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[^\\s:]+$', default: 'x-access-token', description: 'The user name the host wants with the token' },
    token: { type: 'string', minLength: 1, maxLength: 4096, pattern: '^[\\x21-\\x7e]+$', description: 'The token (shown to no one afterwards)' },
  },
} as const;

/** What may be said of an integration's repository credentials: never the token. */
export const sourceCredentialsSchema = {
  type: 'object',
  required: ['type', 'username', 'created_date'],
  properties: {
    type: { type: 'string', enum: ['token'] },
    username: { type: 'string' },
    created_date: { type: 'string', format: 'date-time' },
  },
} as const;

/** An integration's push-event webhook: its URL and the secret (shown once, when made). */
export const sourceWebhookSchema = {
  type: 'object',
  required: ['webhook_url', 'secret'],
  properties: {
    webhook_url: { type: 'string', description: 'POST /webhooks/sourcecontrol/<token>: give it to GitHub, GitLab or Bitbucket as the push webhook' },
    secret: { type: 'string', description: "The webhook secret (GitHub, Bitbucket) or secret token (GitLab); shown only now" },
  },
} as const;

/** 202 of a push event: the build it queued, or why it builds nothing (another branch, a tag, a ping). */
export const sourcePushIgnoredSchema = {
  type: 'object',
  properties: {
    ignored: { type: 'string', description: 'Why nothing is built' },
    ...buildQueuedSchema.properties,
  },
} as const;

export type SourceBuildRequest = WireType<typeof sourceBuildBodySchema>;
export type SourceBuild = WireType<typeof sourceBuildSchema>;
export type SourceCredentials = WireType<typeof sourceCredentialsSchema>;
export type BuildQueued = WireType<typeof buildQueuedSchema>;
export type SourceWebhook = WireType<typeof sourceWebhookSchema>;
