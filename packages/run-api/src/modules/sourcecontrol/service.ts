/**
 * Releases built from git: `buildFromRepository` fetches a tag or branch of the integration's
 * repository and hands the packed `repository_path` to the catalog's `ingestRelease`, the same
 * code an upload goes through. Requests (`requestBuild`) and push webhooks (`receivePush`, the
 * tracking branch's head) only queue a build; the worker role builds it (build-worker.ts).
 */
import { randomBytes } from 'node:crypto';
import type { RunApiConfig } from '../../platform/config.ts';
import type { SecretBox } from '../../platform/crypto/secret-box.ts';
import type { Db } from '../../platform/db/pool.ts';
import type { EgressPolicy } from '../../platform/egress.ts';
import { ERRORS, notFound, panError } from '../../platform/errors.ts';
import { ingestRelease } from '../catalog/release-intake.ts';
import { checkRepositoryUrl, normalRepositoryPath } from '../catalog/repository.ts';
import type { IntegrationRepository } from '../catalog/store.ts';
import { Sandbox } from '../runner/sandbox.ts';
import { fetchTree, GitError } from './git.ts';
import { pushedHead, providerOf, verifyPush } from './push-events.ts';
import { queueBuild, readSourceCredential, readSourceWebhook, upsertSourceCredential, upsertSourceWebhook } from './store.ts';

export interface BuildContext {
  db: Db;
  /** Opens a private repository's credentials. */
  box: SecretBox;
  egress: EgressPolicy;
  config: Pick<RunApiConfig, 'sourceControl' | 'releaseBodyLimit' | 'runSandbox' | 'runUid' | 'runGid' | 'runLimits'>;
}

type Repository = Pick<IntegrationRepository, 'repository_url' | 'repository_path'> & { id: string };

/** Fetches `ref`, packs `repository_path` and stores it as a release named `version` (given the commit fetched). */
export async function buildFromRepository(
  context: BuildContext,
  accountId: string,
  integration: Repository,
  ref: string,
  options: { version: (commit: string) => string; makeDefault: boolean; branchPush?: boolean; signal?: AbortSignal },
) {
  const { config } = context;
  const { url, subdir } = checkedRepository(context, integration);
  // The fetch's own limits: its pack may be as large as fetchMaxBytes, its CPU as long as its time.
  const sandbox = config.runSandbox
    ? new Sandbox({
        uid: config.runUid,
        gid: config.runGid,
        limits: { ...config.runLimits, maxFileBytes: config.sourceControl.fetchMaxBytes, cpuSeconds: Math.ceil(config.sourceControl.fetchTimeoutMs / 1000) },
      })
    : undefined;
  const stored = await readSourceCredential(context.db, accountId, integration.id);
  const credentials = stored ? { username: stored.username, password: context.box.open(stored.secret_sealed).toString('utf8') } : undefined;
  let fetched;
  try {
    fetched = await fetchTree({
      ...(credentials ? { credentials } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      url,
      ref,
      subdir,
      egress: context.egress,
      sandbox,
      timeoutMs: config.sourceControl.fetchTimeoutMs,
      maxBytes: config.sourceControl.fetchMaxBytes,
    });
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    switch (error.kind) {
      case 'ref':
        throw panError(ERRORS.SOURCE_REF_NOT_FOUND, error.message, { errors: [{ field: 'tag', message: error.message }] });
      case 'path':
        throw panError(ERRORS.SOURCE_PATH_INVALID, error.message, { errors: [{ field: 'repository_path', message: error.message }] });
      case 'limit':
        throw panError(ERRORS.SOURCE_FETCH_LIMIT, error.message);
      case 'auth':
        throw panError(ERRORS.SOURCE_AUTH_FAILED, error.message);
      case 'aborted':
        throw error;
      case 'egress':
        throw panError(ERRORS.EGRESS_REFUSED, `repository_url: ${error.message}`, { errors: [{ field: 'repository_url', message: error.message }] });
    }
  }
  if (fetched.archive.length > config.releaseBodyLimit) {
    throw panError(ERRORS.SOURCE_FETCH_LIMIT, `The packed directory is larger than a release may be (PAN_RELEASE_BODY_LIMIT, ${config.releaseBodyLimit} bytes)`);
  }
  const release = await ingestRelease(context.db, {
    accountId,
    integrationId: integration.id,
    archive: fetched.archive,
    version: options.version(fetched.commit),
    makeDefault: options.makeDefault,
    yamlName: subdir ? `${subdir}/PANDIUM.yaml` : 'PANDIUM.yaml',
    source: { ref, commit: fetched.commit, branch: options.branchPush ? ref : null },
  });
  return { ...release, commit: fetched.commit, ref };
}

/** The repository fields checked as a build needs them (422 when they cannot work); before queueing and again when building. */
export function checkedRepository(context: Pick<BuildContext, 'egress' | 'config'>, integration: Pick<Repository, 'repository_url' | 'repository_path'>): { url: URL; subdir: string } {
  const { config } = context;
  if (!integration.repository_url) {
    throw panError(ERRORS.SOURCE_NO_REPOSITORY, 'The integration names no repository_url (PUT /v2/integrations/<slug> with repository_url)');
  }
  const checked = checkRepositoryUrl(integration.repository_url, { allowFile: config.sourceControl.allowFile, egress: context.egress });
  if (!checked.ok) {
    throw panError(checked.egress ? ERRORS.EGRESS_REFUSED : ERRORS.SOURCE_REPOSITORY_URL_INVALID, `repository_url: ${checked.message}`, {
      errors: [{ field: 'repository_url', message: checked.message }],
    });
  }
  const subdir = normalRepositoryPath(integration.repository_path);
  if (subdir === null) {
    throw panError(ERRORS.SOURCE_PATH_INVALID, 'repository_path: must be a relative path inside the repository (no leading /, no ..)', {
      errors: [{ field: 'repository_path', message: 'leaves the repository' }],
    });
  }
  return { url: checked.url, subdir };
}

/**
 * Pandium's `POST /v2/sourcecontrol/build`, off the request path: the repository fields are
 * checked now, the fetch and build are queued for a worker (`GET /v2/sourcecontrol/builds/:id`).
 */
export async function requestBuild(
  context: Pick<BuildContext, 'db' | 'egress' | 'config'>,
  accountId: string,
  integration: Repository,
  tag: string,
  makeDefault: boolean,
): Promise<{ id: string }> {
  checkedRepository(context, integration);
  return queueBuild(context.db, { accountId, integrationId: integration.id, ref: tag, version: tag, branchPush: false, makeDefault });
}

/** Keeps a private repository's token for the integration's builds, sealed; answers what may be said of it. */
export async function setSourceCredential(db: Db, box: SecretBox, accountId: string, integrationId: string, username: string, token: string) {
  const saved = await upsertSourceCredential(db, accountId, integrationId, username, box.seal(token));
  if (!saved) throw notFound('Integration');
  return { type: 'token' as const, ...saved };
}

/**
 * Makes (or replaces) the integration's push webhook: a new unguessable URL token and secret. The
 * secret is returned once and kept sealed.
 */
export async function createSourceWebhook(db: Db, box: SecretBox, accountId: string, integrationId: string): Promise<{ token: string; secret: string }> {
  const token = randomBytes(32).toString('base64url');
  const secret = randomBytes(32).toString('base64url');
  if (!(await upsertSourceWebhook(db, accountId, integrationId, token, box.seal(secret)))) throw notFound('Integration');
  return { token, secret };
}

export type PushAnswer = { build_id: string } | { ignored: string };

/**
 * A push event to `/webhooks/sourcecontrol/<token>`: an unknown token is 404, a missing or wrong
 * signature 401 (checked before the body is parsed), a push to the tracking branch queues a build
 * of its head (named `<branch>-<commit12>`), anything else is 202 with the reason it builds nothing.
 */
export async function receivePush(context: BuildContext & { box: SecretBox }, token: string, headers: Record<string, string | string[] | undefined>, body: Buffer): Promise<PushAnswer> {
  const target = await readSourceWebhook(context.db, token);
  if (!target) throw notFound('Webhook');
  const sender = providerOf(headers);
  if (!sender) {
    throw panError(ERRORS.SOURCE_EVENT_UNSUPPORTED, 'Not a GitHub, GitLab or Bitbucket event (no X-GitHub-Event, X-Gitlab-Event or X-Event-Key header)');
  }
  const secret = context.box.open(target.secret_sealed).toString('utf8');
  if (!verifyPush(sender.provider, headers, body, secret)) {
    const what = { github: 'X-Hub-Signature-256', gitlab: 'X-Gitlab-Token', bitbucket: 'X-Hub-Signature' }[sender.provider];
    throw panError(ERRORS.SOURCE_SIGNATURE_INVALID, `The ${what} header is missing or does not match the webhook's secret`);
  }
  const tracking = target.repository_tracking_branch;
  if (!tracking) return { ignored: 'the integration has no repository_tracking_branch' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(jsonText(headers, body));
  } catch {
    throw panError(ERRORS.SOURCE_EVENT_UNSUPPORTED, 'The event body is not JSON');
  }
  const outcome = pushedHead(sender.provider, sender.event, parsed, tracking);
  if (!outcome) throw panError(ERRORS.SOURCE_EVENT_UNSUPPORTED, `Not a ${sender.provider} push event body (ref and head missing)`);
  if ('ignored' in outcome) return { ignored: outcome.ignored };
  // The branch is fetched when built (events carry no content); its head may have moved on by then.
  const build = await queueBuild(context.db, {
    accountId: target.account_id,
    integrationId: target.integration_id,
    ref: outcome.branch,
    version: null,
    branchPush: true,
    makeDefault: true,
  });
  return { build_id: build.id };
}

/** A push build's release name: one path segment (`feature/x` becomes `feature-x`) and the commit. */
export const pushVersion = (branch: string, commit: string) => `${branch.replace(/[^\w.+-]/g, '-')}-${commit.slice(0, 12)}`;

/** GitHub may send `application/x-www-form-urlencoded` with the JSON in `payload`. */
function jsonText(headers: Record<string, string | string[] | undefined>, body: Buffer): string {
  const type = String(headers['content-type'] ?? '');
  if (/^application\/x-www-form-urlencoded\b/i.test(type)) return new URLSearchParams(body.toString('utf8')).get('payload') ?? '';
  return body.toString('utf8');
}
