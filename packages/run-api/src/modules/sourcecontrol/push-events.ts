/**
 * Push events of GitHub, GitLab and Bitbucket Cloud: who sent one (by its event header), whether
 * it is authentic (checked on the raw bytes, before the body is read), and which branch head it
 * announces.
 *
 * - GitHub: `X-GitHub-Event: push`, `X-Hub-Signature-256: sha256=<HMAC-SHA256(secret, body)>`.
 * - GitLab: `X-Gitlab-Event: Push Hook`, `X-Gitlab-Token: <secret>` (GitLab sends the token itself).
 * - Bitbucket Cloud: `X-Event-Key: repo:push`, `X-Hub-Signature: sha256=<HMAC-SHA256(secret, body)>`.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type Provider = 'github' | 'gitlab' | 'bitbucket';

type Headers = Record<string, string | string[] | undefined>;

const header = (headers: Headers, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

export function providerOf(headers: Headers): { provider: Provider; event: string } | null {
  const github = header(headers, 'x-github-event');
  if (github) return { provider: 'github', event: github };
  const gitlab = header(headers, 'x-gitlab-event');
  if (gitlab) return { provider: 'gitlab', event: gitlab };
  const bitbucket = header(headers, 'x-event-key');
  if (bitbucket) return { provider: 'bitbucket', event: bitbucket };
  return null;
}

/** Equal bytes, in time that does not depend on where they differ (digests first: equal lengths). */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

function validHmac(signature: string | undefined, secret: string, body: Buffer): boolean {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(signature?.trim() ?? '');
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(Buffer.from(match[1]!.toLowerCase(), 'hex'), expected);
}

/** Whether the request carries the provider's proof that it knows `secret`. */
export function verifyPush(provider: Provider, headers: Headers, body: Buffer, secret: string): boolean {
  switch (provider) {
    case 'github':
      return validHmac(header(headers, 'x-hub-signature-256'), secret, body);
    case 'bitbucket':
      return validHmac(header(headers, 'x-hub-signature'), secret, body);
    case 'gitlab': {
      const token = header(headers, 'x-gitlab-token');
      return token !== undefined && sameSecret(token, secret);
    }
  }
}

/** A branch's new head, or why the event builds nothing. */
export type PushOutcome = { branch: string; head: string } | { ignored: string };

/** The branch pushed to `tracking` and its new head, from a verified event's parsed body. */
export function pushedHead(provider: Provider, event: string, body: unknown, tracking: string): PushOutcome | null {
  const object = (value: unknown): Record<string, unknown> | null =>
    value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  const payload = object(body);
  if (!payload) return null;
  if (provider === 'github' || provider === 'gitlab') {
    const isPush = provider === 'github' ? event === 'push' : event === 'Push Hook';
    if (!isPush) return { ignored: `${event} events build nothing (only pushes to ${tracking})` };
    const ref = payload.ref;
    const after = payload.after;
    if (typeof ref !== 'string' || typeof after !== 'string') return null;
    if (!ref.startsWith('refs/heads/')) return { ignored: `${ref} is not a branch` };
    const branch = ref.slice('refs/heads/'.length);
    if (branch !== tracking) return { ignored: `pushed to ${branch}, not the tracking branch ${tracking}` };
    if (payload.deleted === true || /^0+$/.test(after)) return { ignored: `${branch} was deleted` };
    return { branch, head: after };
  }
  if (event !== 'repo:push') return { ignored: `${event} events build nothing (only pushes to ${tracking})` };
  const changes = object(payload.push)?.changes;
  if (!Array.isArray(changes)) return null;
  const branches: string[] = [];
  for (const change of changes) {
    const next = object(object(change)?.new);
    if (!next || next.type !== 'branch' || typeof next.name !== 'string') continue;
    branches.push(next.name);
    const hash = object(next.target)?.hash;
    if (next.name === tracking && typeof hash === 'string') return { branch: next.name, head: hash };
  }
  return { ignored: branches.length ? `pushed to ${branches.join(', ')}, not the tracking branch ${tracking}` : 'no branch was updated' };
}
