import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * Sealed layouts (AES-256-GCM, a random 12-byte IV per value):
 * - version 1 (before key rotation): 0x01 | iv(12) | tag(16) | ciphertext. Made with the first key.
 * - version 2: 0x02 | key id(8) | iv(12) | tag(16) | ciphertext; the header (version and key id) is
 *   authenticated as additional data. The key id is the first 8 bytes of SHA-256(key).
 */
const V1 = 1;
const V2 = 2;
const KEY_BYTES = 32;
const KEY_ID_BYTES = 8;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const V2_HEADER_BYTES = 1 + KEY_ID_BYTES;

/** `<dataDir>/secret.keys`: the key ring (JSON, mode 0600). */
export const KEY_FILE_NAME = 'secret.keys';
/** `<dataDir>/secret.key`: the single key of installations made before key rotation (read, then replaced by `secret.keys`). */
export const LEGACY_KEY_FILE_NAME = 'secret.key';
const KEY_FILE_FORMAT = 'pan-secret-keys/1';
/** How often `seal` looks at the key file's modification (a `stat`), at most. */
const RELOAD_CHECK_MS = 1000;

/** The id a key is known by in sealed values, as 16 hex characters. */
export function secretKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest().subarray(0, KEY_ID_BYTES).toString('hex');
}

/** A fresh random key. */
export function generateSecretKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** Parses a base64 key (standard or url alphabet); the message never contains the value. */
export function parseSecretKey(base64: string, what = 'The secret key'): Buffer {
  const trimmed = base64.trim();
  const key = Buffer.from(trimmed, 'base64');
  if (key.length !== KEY_BYTES || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    throw new Error(`${what} must be ${KEY_BYTES} bytes in base64 (openssl rand -base64 32)`);
  }
  return key;
}

/**
 * Which key a sealed value names: its hex key id (version 2), `'v1'` (version 1: no id, the first
 * key), or null when the bytes are not a sealed value.
 */
export function sealedKeyId(sealed: Buffer): string | null {
  if (sealed.length >= 1 + IV_BYTES + TAG_BYTES && sealed[0] === V1) return 'v1';
  if (sealed.length >= V2_HEADER_BYTES + IV_BYTES + TAG_BYTES && sealed[0] === V2) {
    return sealed.subarray(1, V2_HEADER_BYTES).toString('hex');
  }
  return null;
}

interface RingKey {
  id: string;
  key: Buffer;
}

/** Where a box gets its keys again when they may have changed (the key file). */
export interface SecretKeySource {
  /** A cheap token that changes when the keys may have changed (the file's inode, size and mtime). */
  version(): string;
  /** The keys, oldest first: the last one seals. */
  read(): Buffer[];
}

export interface SecretBoxOptions {
  /** Reload the keys from here: when `open` meets an unknown key id, and (checked at most every second) before `seal`. */
  source?: SecretKeySource;
  /** Clock, for tests. */
  now?: () => number;
}

/**
 * AES-256-GCM over a key ring. `seal` uses the primary (newest) key and names it in the value;
 * `open` uses whichever key the value names (version-1 values: the oldest key first, then the
 * others: GCM's tag tells a wrong key). A box over the key file picks up a key that `pan secrets
 * rotate` added without a restart.
 */
export class SecretBox {
  #keys: RingKey[] = [];
  #byId = new Map<string, RingKey>();
  readonly #source: SecretKeySource | undefined;
  readonly #now: () => number;
  #sourceVersion = '';
  #checkedAt = 0;

  /** `keys`: one key, or the ring oldest first (the last one seals). */
  constructor(keys: Buffer | readonly Buffer[], options: SecretBoxOptions = {}) {
    this.#setKeys(Buffer.isBuffer(keys) ? [keys] : keys);
    this.#source = options.source;
    this.#now = options.now ?? Date.now;
    // The version stays unknown until the first reload reads the source again: a change between
    // reading `keys` and this constructor must not look current.
    if (this.#source) this.#checkedAt = this.#now();
  }

  /** The primary key's id (hex): the key `seal` uses now. */
  get primaryKeyId(): string {
    return this.#keys[this.#keys.length - 1]!.id;
  }

  /** Ids of every key in the ring (hex), oldest first. */
  get keyIds(): string[] {
    return this.#keys.map((k) => k.id);
  }

  seal(plaintext: string | Buffer): Buffer {
    this.#maybeReload();
    const primary = this.#keys[this.#keys.length - 1]!;
    const header = Buffer.alloc(V2_HEADER_BYTES);
    header[0] = V2;
    Buffer.from(primary.id, 'hex').copy(header, 1);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', primary.key, iv);
    cipher.setAAD(header);
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([header, iv, cipher.getAuthTag(), body]);
  }

  open(sealed: Buffer): Buffer {
    const keyId = sealedKeyId(sealed);
    if (keyId === null) throw new Error('Not a sealed value (unknown version or too short)');
    if (keyId === 'v1') {
      for (const { key } of this.#keys) {
        const opened = tryOpen(key, sealed.subarray(1, 1 + IV_BYTES), sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES), sealed.subarray(1 + IV_BYTES + TAG_BYTES));
        if (opened) return opened;
      }
      throw new Error('The sealed value could not be opened: it was altered, or it was sealed with a key this server does not have');
    }
    let ringKey = this.#byId.get(keyId);
    if (!ringKey && this.#source) {
      // A key added (by `pan secrets rotate`) since the last load.
      this.reload();
      ringKey = this.#byId.get(keyId);
    }
    if (!ringKey) throw new Error(`The sealed value names key ${keyId}, which this server does not have`);
    const rest = sealed.subarray(V2_HEADER_BYTES);
    const opened = tryOpen(
      ringKey.key,
      rest.subarray(0, IV_BYTES),
      rest.subarray(IV_BYTES, IV_BYTES + TAG_BYTES),
      rest.subarray(IV_BYTES + TAG_BYTES),
      sealed.subarray(0, V2_HEADER_BYTES),
    );
    if (!opened) throw new Error(`The sealed value could not be opened with key ${keyId}: it was altered`);
    return opened;
  }

  /** True when `sealed` names the primary key (nothing to re-encrypt). */
  isSealedWithPrimary(sealed: Buffer): boolean {
    return sealedKeyId(sealed) === this.primaryKeyId;
  }

  /**
   * Reads the keys from the source again if it changed. Returns whether the ring changed. A source
   * that cannot be read (gone, unparsable) leaves the ring as it was.
   */
  reload(): boolean {
    if (!this.#source) return false;
    this.#checkedAt = this.#now();
    let version: string;
    try {
      version = this.#source.version();
      if (version === this.#sourceVersion) return false;
      const keys = this.#source.read();
      if (keys.length === 0) return false;
      const before = this.keyIds.join(',');
      this.#setKeys(keys);
      this.#sourceVersion = version;
      return this.keyIds.join(',') !== before;
    } catch {
      return false;
    }
  }

  #maybeReload(): void {
    if (this.#source && this.#now() - this.#checkedAt >= RELOAD_CHECK_MS) this.reload();
  }

  #setKeys(keys: readonly Buffer[]): void {
    if (keys.length === 0) throw new Error('A secret box needs at least one key');
    const ring: RingKey[] = [];
    for (const key of keys) {
      if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) throw new Error(`The secret key must be ${KEY_BYTES} bytes`);
      const id = secretKeyId(key);
      if (!ring.some((k) => k.id === id)) ring.push({ id, key: Buffer.from(key) });
    }
    this.#keys = ring;
    this.#byId = new Map(ring.map((k) => [k.id, k]));
  }
}

function tryOpen(key: Buffer, iv: Buffer, tag: Buffer, body: Buffer, aad?: Buffer): Buffer | null {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    if (aad) decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// The key file

export interface KeyFileEntry {
  /** Hex key id (first 8 bytes of SHA-256 of the key). */
  id: string;
  key: Buffer;
  /** ISO time the key was added; null for the key of a `secret.key` file. */
  createdAt: string | null;
}

export interface KeyFileContents {
  /** Oldest first; the last one is the primary. */
  keys: KeyFileEntry[];
  /** Which file the keys came from. */
  file: string;
  /** True when read from the single-key `secret.key` (not yet migrated to `secret.keys`). */
  legacy: boolean;
}

function parseKeyFile(text: string, file: string): KeyFileEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not valid JSON`);
  }
  const doc = parsed as { format?: unknown; keys?: unknown };
  if (doc?.format !== KEY_FILE_FORMAT || !Array.isArray(doc.keys) || doc.keys.length === 0) {
    throw new Error(`${file} is not a key file (expected {"format": "${KEY_FILE_FORMAT}", "keys": [...]})`);
  }
  return doc.keys.map((entry: { id?: unknown; key?: unknown; created_at?: unknown }, index: number) => {
    if (typeof entry?.key !== 'string') throw new Error(`${file}: key ${index + 1} has no "key"`);
    const key = parseSecretKey(entry.key, `${file}: key ${index + 1}`);
    const id = secretKeyId(key);
    if (entry.id !== undefined && entry.id !== id) throw new Error(`${file}: key ${index + 1} has id ${String(entry.id)} but its key's id is ${id}`);
    return { id, key, createdAt: typeof entry.created_at === 'string' ? entry.created_at : null };
  });
}

function serializeKeyFile(keys: readonly KeyFileEntry[]): string {
  return (
    JSON.stringify(
      {
        format: KEY_FILE_FORMAT,
        note: 'Secret keys of the run API, oldest first; the last one seals new values. Keep this file private (mode 0600) and backed up.',
        keys: keys.map((k) => ({ id: k.id, created_at: k.createdAt, key: k.key.toString('base64') })),
      },
      null,
      2,
    ) + '\n'
  );
}

/**
 * The keys of `dataDir`: `secret.keys`, else the single key of `secret.key`, else null. The
 * second look at `secret.keys` covers a rotation that replaced `secret.key` meanwhile.
 */
export function readKeyFileSync(dataDir: string): KeyFileContents | null {
  const file = path.join(dataDir, KEY_FILE_NAME);
  const legacy = path.join(dataDir, LEGACY_KEY_FILE_NAME);
  for (let attempt = 0; attempt < 2; attempt++) {
    const text = readIfExists(file);
    if (text !== null) return { keys: parseKeyFile(text, file), file, legacy: false };
    const legacyText = readIfExists(legacy);
    if (legacyText !== null) {
      const key = parseSecretKey(legacyText, legacy);
      return { keys: [{ id: secretKeyId(key), key, createdAt: null }], file: legacy, legacy: true };
    }
  }
  return null;
}

export async function readKeyFile(dataDir: string): Promise<KeyFileContents | null> {
  return readKeyFileSync(dataDir);
}

function readIfExists(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Replaces `<dataDir>/secret.keys` atomically (a 0600 temporary file, fsync, rename) with `keys`
 * (oldest first), then removes a `secret.key` left from before: its key must be among `keys`
 * unless the caller retires it. With `exclusive`, fails with EEXIST when the file exists.
 */
export async function writeKeyFile(dataDir: string, keys: readonly KeyFileEntry[], options: { exclusive?: boolean } = {}): Promise<string> {
  if (keys.length === 0) throw new Error('A key file needs at least one key');
  // Private to the server's user, like the rest of the data directory (see platform/data-dir.ts).
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, KEY_FILE_NAME);
  const temp = path.join(dataDir, `.${KEY_FILE_NAME}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, serializeKeyFile(keys));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    if (options.exclusive) linkSync(temp, file);
    else renameSync(temp, file);
  } finally {
    if (options.exclusive) safeUnlink(temp);
  }
  syncDirectory(dataDir);
  safeUnlink(path.join(dataDir, LEGACY_KEY_FILE_NAME));
  return file;
}

function safeUnlink(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not every platform can fsync a directory; the rename is done either way.
  }
}

/** The key file of `dataDir` as a source for `SecretBox`: reloaded when its inode, size or mtime change. */
export function keyFileSource(dataDir: string): SecretKeySource {
  const file = path.join(dataDir, KEY_FILE_NAME);
  return {
    version() {
      try {
        const stat = statSync(file);
        return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'legacy';
        throw error;
      }
    },
    read() {
      return readKeyFileSync(dataDir)?.keys.map((k) => k.key) ?? [];
    },
  };
}

/** Base64 keys separated by commas or whitespace (PAN_SECRET_KEYS_OLD). */
export function parseKeyList(list: string | undefined, what: string): Buffer[] {
  return (list ?? '')
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((item, index) => parseSecretKey(item, `${what} (item ${index + 1})`));
}

export interface LoadSecretBoxOptions {
  /** Older keys that still open values when the primary comes from `secretKey` (default: env PAN_SECRET_KEYS_OLD). */
  oldKeys?: string;
  /** Create the key file when there is none (default true, as the server does on first start). */
  create?: boolean;
}

/**
 * The server's box. With `secretKey` (PAN_SECRET_KEY), that key seals and PAN_SECRET_KEYS_OLD
 * (comma-separated base64) lists older keys that still open values. Otherwise the key ring of
 * `<dataDir>/secret.keys` (or the single key of an older `<dataDir>/secret.key`), created with a
 * new key (mode 0600) on first start, and followed when `pan secrets rotate` adds a key.
 */
export async function loadSecretBox(secretKey: string | undefined, dataDir: string, options: LoadSecretBoxOptions = {}): Promise<SecretBox> {
  if (secretKey) {
    const primary = parseSecretKey(secretKey, 'PAN_SECRET_KEY');
    const old = parseKeyList(options.oldKeys ?? process.env.PAN_SECRET_KEYS_OLD, 'PAN_SECRET_KEYS_OLD');
    return new SecretBox([...old, primary]);
  }
  let contents = readKeyFileSync(dataDir);
  if (!contents) {
    if (options.create === false) throw new Error(`No key file in ${dataDir} (${KEY_FILE_NAME} or ${LEGACY_KEY_FILE_NAME})`);
    const key = generateSecretKey();
    try {
      await writeKeyFile(dataDir, [{ id: secretKeyId(key), key, createdAt: new Date().toISOString() }], { exclusive: true });
    } catch (error) {
      // Another process created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    contents = readKeyFileSync(dataDir);
    if (!contents) throw new Error(`The key file in ${dataDir} could not be read back`);
  }
  return new SecretBox(
    contents.keys.map((k) => k.key),
    { source: keyFileSource(dataDir) },
  );
}
