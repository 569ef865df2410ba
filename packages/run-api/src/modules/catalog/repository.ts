/**
 * The repository an integration's releases may be built from (`repository_url`,
 * `repository_path`): checked when a listing is saved and again when a build reads them.
 */
import path from 'node:path';
import type { EgressPolicy } from '../../platform/egress.ts';

export type RepositoryUrlCheck = { ok: true; url: URL } | { ok: false; egress: boolean; message: string };

/**
 * https:// (the egress policy judges the host: literal private addresses and localhost are refused
 * now, names when fetched), http:// to hosts PAN_EGRESS_ALLOW admits; file:// only where the operator allows it
 * (PAN_SOURCECONTROL_ALLOW_FILE, for tests and single-machine setups: it reads the server's disk).
 * Every other git transport (ssh, git://, ext::, scp-like `host:path`) is refused, and so are
 * credentials in the URL (they would be stored and shown in clear).
 */
export function checkRepositoryUrl(raw: string, options: { allowFile: boolean; egress: EgressPolicy }): RepositoryUrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, egress: false, message: 'is not an absolute URL (https://host/owner/repo.git)' };
  }
  if (url.protocol === 'file:') {
    if (!options.allowFile) return { ok: false, egress: false, message: 'file:// repositories are off on this server (PAN_SOURCECONTROL_ALLOW_FILE)' };
    if (url.host !== '' || url.search || url.hash) return { ok: false, egress: false, message: 'a file:// URL names a local path only (file:///path/to/repo.git)' };
    return { ok: true, url };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, egress: false, message: `the ${url.protocol.replace(/:$/, '')} transport is not allowed (https://, or file:// where the server allows it)` };
  }
  // Plain http could be tampered with on the way: only to hosts the operator named (internal mirrors).
  if (url.protocol === 'http:' && !options.egress.isAllowListed(url)) {
    return { ok: false, egress: false, message: 'http:// only to hosts PAN_EGRESS_ALLOW admits; use https://' };
  }
  if (url.username || url.password) return { ok: false, egress: false, message: 'must not carry credentials' };
  if (url.search || url.hash) return { ok: false, egress: false, message: 'must not have a query or fragment' };
  const refusal = options.egress.refusalOf(url);
  if (refusal) return { ok: false, egress: true, message: refusal };
  return { ok: true, url };
}

/**
 * `repository_path` as a relative POSIX path without `.` segments ('' is the root), or null when it
 * is absolute or has a `..` segment.
 */
export function normalRepositoryPath(raw: string | null | undefined): string | null {
  const value = (raw ?? '').trim();
  // Any `..` is refused, even one that would stay inside: the path names a directory plainly.
  if (value.startsWith('/') || value.includes('\\') || value.includes('\0') || value.split('/').includes('..')) return null;
  const normal = path.posix.normalize(value || '.').replace(/\/+$/, '');
  return normal === '.' ? '' : normal;
}
