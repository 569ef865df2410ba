import type { JWK } from 'jose';
import type { JwtAlgorithm } from './end-user-token.ts';
import type { SecretBox } from '../../platform/crypto/secret-box.ts';
import { withTransaction, type Db } from '../../platform/db/pool.ts';

export interface AccountSettings {
  slug: string;
  name: string;
  /** `iss` of this account's end-user tokens. */
  jwtIssuer: string;
  /** `aud` its tokens must carry. */
  jwtAudience: string;
  jwtAlgorithms: JwtAlgorithm[];
  /** HS256 shared secret (raw bytes); sealed before it is stored. */
  hs256Secret?: Buffer;
  jwksUrl?: string;
  publicKeys?: { kid: string; alg: Exclude<JwtAlgorithm, 'HS256'>; jwk: JWK }[];
}

/** Creates the account, or updates its settings when the slug exists. Returns its id. */
export async function upsertAccount(db: Db, box: SecretBox, settings: AccountSettings): Promise<string> {
  return withTransaction(db, async (client) => {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO accounts (slug, name, jwt_issuer, jwt_audience, jwt_algorithms, jwt_hs256_secret, jwt_jwks_url)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, jwt_issuer = EXCLUDED.jwt_issuer,
         jwt_audience = EXCLUDED.jwt_audience, jwt_algorithms = EXCLUDED.jwt_algorithms,
         jwt_hs256_secret = EXCLUDED.jwt_hs256_secret, jwt_jwks_url = EXCLUDED.jwt_jwks_url
       RETURNING id`,
      [
        settings.slug,
        settings.name,
        settings.jwtIssuer,
        settings.jwtAudience,
        settings.jwtAlgorithms,
        settings.hs256Secret ? box.seal(settings.hs256Secret) : null,
        settings.jwksUrl ?? null,
      ],
    );
    const id = rows[0]!.id;
    await client.query('DELETE FROM account_jwt_keys WHERE account_id = $1', [id]);
    for (const key of settings.publicKeys ?? []) {
      const { kid, alg, jwk } = key;
      // Only the public members are kept, whatever the caller passed.
      const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, k: _k, ...publicJwk } = jwk;
      await client.query('INSERT INTO account_jwt_keys (account_id, kid, alg, public_jwk) VALUES ($1, $2, $3, $4)', [
        id,
        kid,
        alg,
        publicJwk,
      ]);
    }
    return id;
  });
}
