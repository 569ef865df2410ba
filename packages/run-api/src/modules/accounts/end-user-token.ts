import { createSecretKey, type KeyObject } from 'node:crypto';
import {
  createRemoteJWKSet,
  customFetch,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  importJWK,
  jwtVerify,
  type CryptoKey,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { LRUCache } from 'lru-cache';
import type { Db } from '../../platform/db/pool.ts';
import type { SecretBox } from '../../platform/crypto/secret-box.ts';
import type { EgressPolicy } from '../../platform/egress.ts';
import { ERRORS, panError, PanError } from '../../platform/errors.ts';
import { findHostileValue } from '../../platform/input-guards.ts';
import { listAccountJwtKeys, readAccountByIssuer } from './store.ts';
import { checkTimeZone } from '../../platform/time-zone.ts';

/** Who is calling, as the host's signed token says. Every end-user query is scoped by these. */
export interface EndUser {
  accountId: string;
  sub: string;
  name?: string;
  email?: string;
  /** The `tz` claim: the IANA time zone a new schedule defaults to (checked with Intl). */
  tz?: string;
  /** The `locale` claim: the language the elements speak when no `lang` says (a BCP 47 tag, canonical). */
  locale?: string;
  xti: ExtraTenantInfo;
}

/** "Extra tenant information": the host's per-user rules. */
export interface ExtraTenantInfo {
  /** Slugs or ids never shown to this user. */
  hidden_integrations?: string[];
  /** When present, only these slugs or ids are shown. */
  visible_integrations?: string[];
  /** Integrations restricted to groups are shown when one of the user's groups is listed. */
  user_group?: string | string[];
  allowed_installs?: number;
  permissions?: string[];
  /**
   * Auth-only mode: the integrations whose connect buttons the element shows, each installed with
   * these preset settings (never shown to the user) once its connectors are connected.
   */
  auth_only?: { integrations: Array<{ slug: string; configs: Record<string, unknown> }> };
}

export type JwtAlgorithm = 'HS256' | 'RS256' | 'ES256' | 'EdDSA';
export const SUPPORTED_ALGORITHMS: readonly JwtAlgorithm[] = ['HS256', 'RS256', 'ES256', 'EdDSA'];

/** Seconds of clock skew tolerated between the host and us. */
export const CLOCK_TOLERANCE_SECONDS = 30;
/** The longest lifetime (`exp - iat`) and age a token may have. */
export const MAX_TOKEN_LIFETIME_SECONDS = 15 * 60;

/** How many issuers' keys are kept: a bound, because `iss` comes from anyone who sends a token. */
const ISSUER_CACHE_MAX = 1_000;
/** And a bound on what they weigh, since an `iss` may be kilobytes long: its length plus a share for the keys. */
const ISSUER_CACHE_MAX_SIZE = 4 * 1024 * 1024;
const ENTRY_SIZE = 1024;
/** A known issuer's keys are reloaded after this, so key changes apply without a restart. */
const ACCOUNT_CACHE_MS = 30_000;
/** Deepest nesting of objects/arrays in a token's claims (`xti` holds tenant configs). */
const MAX_CLAIM_DEPTH = 64;
/** An unknown issuer is remembered this briefly: an account created just after a miss works soon. */
const UNKNOWN_ISSUER_CACHE_MS = 2_000;

export interface IssuerCacheOptions {
  /** Issuers kept at most (least recently used evicted first). */
  max?: number;
  /** Their total weight at most: each issuer's length plus 1 KiB. */
  maxSize?: number;
  /** How long a known issuer's keys are kept. */
  ttlMs?: number;
  /** How long a miss is kept; 0 keeps none. */
  unknownTtlMs?: number;
  /** The clock TTLs are measured on (tests pass a hand-moved one). */
  clock?: { now(): number };
}

type VerificationKey = KeyObject | CryptoKey | JWTVerifyGetKey;

interface AccountKeys {
  loadedAt: number;
  accountId: string;
  issuer: string;
  audience: string;
  algorithms: Set<JwtAlgorithm>;
  hs256?: KeyObject;
  /** Registered public keys by kid. */
  publicKeys: Map<string, { alg: JwtAlgorithm; key: CryptoKey }>;
  jwks?: JWTVerifyGetKey;
}

/**
 * Verifies host-signed end-user tokens: algorithm allow-list per account, `iss`, `aud`, `exp`,
 * `iat`, `sub` required, bounded lifetime and clock tolerance. Header-supplied keys
 * (`jku`, `x5u`, `jwk`, `x5c`) are never used or fetched. Keys are imported once per account.
 */
export class EndUserTokenVerifier {
  readonly #db: Db;
  readonly #box: SecretBox;
  readonly #egress: EgressPolicy;
  readonly #accounts: LRUCache<string, Promise<AccountKeys | null>>;
  readonly #unknownTtlMs: number;

  /** `egress`: the JWKS URL is fetched through it. */
  constructor(db: Db, box: SecretBox, egress: EgressPolicy, cache: IssuerCacheOptions = {}) {
    this.#db = db;
    this.#box = box;
    this.#egress = egress;
    this.#unknownTtlMs = cache.unknownTtlMs ?? UNKNOWN_ISSUER_CACHE_MS;
    this.#accounts = new LRUCache({
      max: cache.max ?? ISSUER_CACHE_MAX,
      maxSize: cache.maxSize ?? ISSUER_CACHE_MAX_SIZE,
      sizeCalculation: (_account, issuer) => issuer.length + ENTRY_SIZE,
      ttl: cache.ttlMs ?? ACCOUNT_CACHE_MS,
      ...(cache.clock ? { perf: cache.clock, ttlResolution: 0 } : {}),
    });
  }

  /** Issuers currently cached, known or not (for tests and metrics). */
  get cachedIssuers(): number {
    return this.#accounts.size;
  }

  /** Forget cached keys (after an account's settings change). */
  invalidate(issuer?: string): void {
    if (issuer === undefined) this.#accounts.clear();
    else this.#accounts.delete(issuer);
  }

  async verify(token: string): Promise<EndUser> {
    let header: ReturnType<typeof decodeProtectedHeader>;
    let unverified: JWTPayload;
    try {
      header = decodeProtectedHeader(token);
      unverified = decodeJwt(token);
    } catch {
      throw panError(ERRORS.AUTH_MALFORMED, 'The token is not a well-formed JWS compact JWT');
    }
    const alg = header.alg;
    if (typeof alg !== 'string' || !SUPPORTED_ALGORITHMS.includes(alg as JwtAlgorithm)) {
      throw panError(ERRORS.AUTH_ALG_NOT_ALLOWED, `Algorithm "${String(alg)}" is not accepted`);
    }
    if (typeof unverified.iss !== 'string' || unverified.iss === '') {
      throw panError(ERRORS.AUTH_CLAIM_MISSING, 'The token has no "iss" claim');
    }
    // A claim the database cannot take (NUL, lone surrogate, absurd nesting) is refused before any query.
    if (findHostileValue(unverified, MAX_CLAIM_DEPTH)) {
      throw panError(ERRORS.AUTH_CLAIM_INVALID, 'A claim of the token holds a character that is not allowed, or nests too deeply');
    }
    const account = await this.#account(unverified.iss);
    if (!account) throw panError(ERRORS.AUTH_UNKNOWN_ISSUER, 'The token\'s issuer is not a known account');
    if (!account.algorithms.has(alg as JwtAlgorithm)) {
      throw panError(ERRORS.AUTH_ALG_NOT_ALLOWED, `Algorithm "${alg}" is not allowed for this account`);
    }
    const key = this.#keyFor(account, alg as JwtAlgorithm, header.kid);

    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key as KeyObject, {
        algorithms: [alg],
        issuer: account.issuer,
        audience: account.audience,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        maxTokenAge: MAX_TOKEN_LIFETIME_SECONDS,
        requiredClaims: ['iss', 'aud', 'exp', 'iat', 'sub'],
      }));
    } catch (error) {
      throw mapJoseError(error);
    }
    return toEndUser(account.accountId, payload);
  }

  #keyFor(account: AccountKeys, alg: JwtAlgorithm, kid: string | undefined): VerificationKey {
    if (alg === 'HS256') {
      if (!account.hs256) throw panError(ERRORS.AUTH_ALG_NOT_ALLOWED, 'This account has no HS256 secret');
      return account.hs256;
    }
    const registered = [...account.publicKeys.entries()].filter(([, k]) => k.alg === alg);
    if (registered.length > 0) {
      if (kid !== undefined) {
        const found = account.publicKeys.get(kid);
        if (!found || found.alg !== alg) throw panError(ERRORS.AUTH_UNKNOWN_KID, 'The token\'s "kid" names no registered key');
        return found.key;
      }
      if (registered.length === 1) return registered[0]![1].key;
      throw panError(ERRORS.AUTH_UNKNOWN_KID, 'The token has no "kid" and the account has several keys');
    }
    if (account.jwks) return account.jwks;
    throw panError(ERRORS.AUTH_ALG_NOT_ALLOWED, `This account has no key for "${alg}"`);
  }

  #account(issuer: string): Promise<AccountKeys | null> {
    const cached = this.#accounts.get(issuer);
    if (cached) return cached;
    // The promise is cached while loading, so concurrent tokens of one issuer share one query.
    const loading = this.#load(issuer);
    this.#accounts.set(issuer, loading);
    const stillOurs = () => this.#accounts.peek(issuer) === loading;
    loading.then(
      (account) => {
        if (account || !stillOurs()) return;
        // A miss is kept only briefly, in the same bounded cache.
        if (this.#unknownTtlMs > 0) this.#accounts.set(issuer, loading, { ttl: this.#unknownTtlMs });
        else this.#accounts.delete(issuer);
      },
      // A failed load must not stick in the cache.
      () => { if (stillOurs()) this.#accounts.delete(issuer); },
    );
    return loading;
  }

  async #load(issuer: string): Promise<AccountKeys | null> {
    const row = await readAccountByIssuer(this.#db, issuer);
    if (!row) return null;
    const keys = await listAccountJwtKeys(this.#db, row.id);
    const publicKeys = new Map<string, { alg: JwtAlgorithm; key: CryptoKey }>();
    for (const k of keys) publicKeys.set(k.kid, { alg: k.alg, key: (await importJWK(k.public_jwk, k.alg)) as CryptoKey });
    return {
      loadedAt: Date.now(),
      accountId: row.id,
      issuer: row.jwt_issuer,
      audience: row.jwt_audience,
      algorithms: new Set(row.jwt_algorithms),
      hs256: row.jwt_hs256_secret ? createSecretKey(this.#box.open(row.jwt_hs256_secret)) : undefined,
      publicKeys,
      jwks: row.jwt_jwks_url
        ? createRemoteJWKSet(new URL(row.jwt_jwks_url), {
            timeoutDuration: 5000,
            cooldownDuration: 30_000,
            [customFetch]: this.#egress.fetchFollowingNone,
          })
        : undefined,
    };
  }
}

function mapJoseError(error: unknown): PanError {
  if (error instanceof PanError) return error;
  if (error instanceof errors.JWTExpired) {
    return error.claim === 'iat'
      ? panError(ERRORS.AUTH_TOKEN_TOO_OLD, 'The token was issued too long ago')
      : panError(ERRORS.AUTH_TOKEN_EXPIRED, 'The token has expired');
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return panError(ERRORS.AUTH_CLAIM_MISSING, `The token has no "${error.claim}" claim`);
    switch (error.claim) {
      case 'aud':
        return panError(ERRORS.AUTH_BAD_AUDIENCE, 'The token is not meant for this marketplace ("aud")');
      case 'iss':
        return panError(ERRORS.AUTH_BAD_ISSUER, 'The token\'s issuer does not match ("iss")');
      case 'nbf':
        return panError(ERRORS.AUTH_NOT_YET_VALID, 'The token is not valid yet ("nbf")');
      case 'iat':
        return panError(ERRORS.AUTH_CLAIM_INVALID, 'The token\'s "iat" is in the future');
      default:
        return panError(ERRORS.AUTH_CLAIM_INVALID, `The token's "${error.claim}" claim is invalid`);
    }
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return panError(ERRORS.AUTH_BAD_SIGNATURE, 'The token\'s signature does not verify');
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return panError(ERRORS.AUTH_ALG_NOT_ALLOWED, 'The token\'s algorithm is not allowed');
  if (error instanceof errors.JWKSNoMatchingKey) return panError(ERRORS.AUTH_UNKNOWN_KID, 'No key in the account\'s key set matches the token');
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
    return panError(ERRORS.AUTH_KEYS_UNAVAILABLE, 'The account\'s key set could not be fetched');
  }
  if (error instanceof errors.JOSEError) return panError(ERRORS.AUTH_MALFORMED, 'The token could not be verified');
  return panError(ERRORS.AUTH_KEYS_UNAVAILABLE, 'The token could not be verified');
}

function toEndUser(accountId: string, payload: JWTPayload): EndUser {
  const sub = payload.sub;
  if (typeof sub !== 'string' || sub === '' || sub.length > 256) {
    throw panError(ERRORS.AUTH_CLAIM_INVALID, 'The token\'s "sub" must be a non-empty string');
  }
  if (typeof payload.iat === 'number' && typeof payload.exp === 'number'
    && payload.exp - payload.iat > MAX_TOKEN_LIFETIME_SECONDS) {
    throw panError(ERRORS.AUTH_LIFETIME_TOO_LONG, `A token may live at most ${MAX_TOKEN_LIFETIME_SECONDS / 60} minutes`);
  }
  const user: EndUser = { accountId, sub, xti: parseXti(payload.xti) };
  if (typeof payload.name === 'string') user.name = payload.name;
  if (typeof payload.email === 'string') user.email = payload.email;
  if (payload.tz !== undefined) {
    const tz = checkTimeZone(payload.tz);
    if (!tz) throw panError(ERRORS.AUTH_CLAIM_INVALID, 'The token\'s "tz" is not an IANA time zone');
    user.tz = tz;
  }
  if (payload.locale !== undefined) {
    const locale = canonicalLocale(payload.locale);
    if (!locale) throw panError(ERRORS.AUTH_CLAIM_INVALID, 'The token\'s "locale" is not a BCP 47 language tag');
    user.locale = locale;
  }
  return user;
}

/** `de-at` → `de-AT`; undefined for what Intl does not take as one language tag. */
function canonicalLocale(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 35) return undefined;
  try {
    return Intl.getCanonicalLocales(value)[0];
  } catch {
    return undefined;
  }

}

function parseXti(raw: unknown): ExtraTenantInfo {
  if (raw === undefined || raw === null) return {};
  const invalid = (what: string) => panError(ERRORS.AUTH_CLAIM_INVALID, `The token's "xti.${what}" is invalid`);
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalid('');
  const xti = raw as Record<string, unknown>;
  const out: ExtraTenantInfo = {};
  for (const key of ['hidden_integrations', 'visible_integrations', 'permissions'] as const) {
    const value = xti[key];
    if (value === undefined) continue;
    if (!isStringArray(value)) throw invalid(key);
    out[key] = value;
  }
  const group = xti.user_group;
  if (group !== undefined) {
    if (typeof group !== 'string' && !isStringArray(group)) throw invalid('user_group');
    out.user_group = group;
  }
  const allowed = xti.allowed_installs;
  if (allowed !== undefined) {
    if (!Number.isInteger(allowed) || (allowed as number) < 0) throw invalid('allowed_installs');
    out.allowed_installs = allowed as number;
  }
  const authOnly = xti.auth_only;
  if (authOnly !== undefined) {
    const list = (authOnly as { integrations?: unknown } | null)?.integrations;
    if (typeof authOnly !== 'object' || !Array.isArray(list) || list.length > 50) throw invalid('auth_only.integrations');
    out.auth_only = {
      integrations: list.map((entry, i) => {
        const { slug, configs = {} } = (entry ?? {}) as { slug?: unknown; configs?: unknown };
        if (typeof slug !== 'string' || !slug) throw invalid(`auth_only.integrations[${i}].slug`);
        if (typeof configs !== 'object' || configs === null || Array.isArray(configs)) throw invalid(`auth_only.integrations[${i}].configs`);
        return { slug, configs: configs as Record<string, unknown> };
      }),
    };
  }
  return out;
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
