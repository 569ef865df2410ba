import type { Adapter, AdapterPayload } from 'oidc-provider';

/**
 * The Acme CRM provider's storage: plain maps in this process. Sessions, grants and tokens are
 * forgotten when `npm start` stops (then a stored refresh token is refused and the user connects
 * again). Unlike oidc-provider's quick-start adapter, nothing is evicted before it expires.
 */
/** The models revoked with their grant (as oidc-provider's own adapter indexes them). */
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'PreAuthorizedCode']);

export function createMemoryAdapterFactory(): { factory: (model: string) => Adapter; stop(): void } {
  const entries = new Map<string, { payload: AdapterPayload; expiresAt: number }>();
  /** grantId -> keys of the codes and tokens issued under it (for revocation). */
  const grants = new Map<string, Set<string>>();
  /** Secondary indexes: session uid -> key, user code -> key. */
  const uids = new Map<string, string>();
  const userCodes = new Map<string, string>();

  const get = (key: string): AdapterPayload | undefined => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      remove(key);
      return undefined;
    }
    return entry.payload;
  };
  const remove = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    const { uid, userCode, grantId } = entry.payload;
    if (uid && uids.get(uid) === key) uids.delete(uid);
    if (userCode && userCodes.get(userCode) === key) userCodes.delete(userCode);
    if (grantId && grants.has(grantId)) {
      const members = grants.get(grantId);
      members?.delete(key);
      if (members?.size === 0) grants.delete(grantId);
    }
  };

  // Expired entries are dropped as they are read, and swept once a minute.
  const sweeper = setInterval(() => {
    const now = Date.now();
    for (const [key, entry] of entries) if (entry.expiresAt <= now) remove(key);
  }, 60_000);
  sweeper.unref();

  const factory = (model: string): Adapter => {
    const keyOf = (id: string) => `${model}:${id}`;
    return {
      async upsert(id, payload, expiresIn) {
        const key = keyOf(id);
        remove(key);
        entries.set(key, { payload, expiresAt: typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Infinity });
        if (model === 'Session' && payload.uid) uids.set(payload.uid, key);
        if (payload.userCode) userCodes.set(payload.userCode, key);
        if (payload.grantId && GRANTABLE.has(model)) {
          const members = grants.get(payload.grantId) ?? new Set<string>();
          members.add(key);
          grants.set(payload.grantId, members);
        }
      },
      async find(id) {
        return get(keyOf(id));
      },
      async findByUid(uid) {
        const key = uids.get(uid);
        return key ? get(key) : undefined;
      },
      async findByUserCode(userCode) {
        const key = userCodes.get(userCode);
        return key ? get(key) : undefined;
      },
      async consume(id) {
        const payload = get(keyOf(id));
        if (payload) payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        remove(keyOf(id));
      },
      async revokeByGrantId(grantId) {
        for (const key of [...(grants.get(grantId) ?? [])]) remove(key);
        grants.delete(grantId);
      },
    };
  };
  return { factory, stop: () => clearInterval(sweeper) };
}
