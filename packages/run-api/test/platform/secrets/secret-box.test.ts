import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  SecretBox,
  generateSecretKey,
  keyFileSource,
  loadSecretBox,
  readKeyFile,
  sealedKeyId,
  secretKeyId,
  writeKeyFile,
} from '../../../src/platform/crypto/secret-box.ts';

/** The layout before key rotation: 0x01 | iv | tag | ciphertext, no key id. */
function sealV1(key: Buffer, plaintext: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([1]), iv, cipher.getAuthTag(), body]);
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pan-keys-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const entry = (key: Buffer) => ({ id: secretKeyId(key), key, createdAt: new Date().toISOString() });

describe('SecretBox: format', () => {
  it('seals as version 2 with the primary key id, a random IV each time, and opens it', () => {
    const key = generateSecretKey();
    const box = new SecretBox(key);
    const a = box.seal('hello');
    const b = box.seal('hello');
    expect(a[0]).toBe(2);
    expect(a.subarray(1, 9).toString('hex')).toBe(secretKeyId(key));
    expect(sealedKeyId(a)).toBe(secretKeyId(key));
    expect(a.length).toBe(1 + 8 + 12 + 16 + 5);
    expect(a.subarray(9, 21).equals(b.subarray(9, 21))).toBe(false);
    expect(box.open(a).toString()).toBe('hello');
    expect(box.open(b).toString()).toBe('hello');
    expect(box.primaryKeyId).toBe(secretKeyId(key));
    expect(box.isSealedWithPrimary(a)).toBe(true);
  });

  it('the key id is the first 8 bytes of SHA-256 of the key', async () => {
    const { createHash } = await import('node:crypto');
    const key = generateSecretKey();
    expect(secretKeyId(key)).toBe(createHash('sha256').update(key).digest().subarray(0, 8).toString('hex'));
  });

  it('opens version-1 values (made before key ids) with the first key, also after rotation', () => {
    const first = generateSecretKey();
    const second = generateSecretKey();
    const v1 = sealV1(first, 'legacy secret');
    expect(sealedKeyId(v1)).toBe('v1');
    expect(new SecretBox(first).open(v1).toString()).toBe('legacy secret');
    const rotated = new SecretBox([first, second]);
    expect(rotated.open(v1).toString()).toBe('legacy secret');
    expect(rotated.isSealedWithPrimary(v1)).toBe(false);
    // A ring without the key it was made with refuses it.
    expect(() => new SecretBox(second).open(v1)).toThrow(/could not be opened/);
  });

  it('a ring seals with its newest key and opens values of every key in it', () => {
    const [k1, k2, k3] = [generateSecretKey(), generateSecretKey(), generateSecretKey()];
    const old = new SecretBox([k1, k2]).seal('under k2');
    const ring = new SecretBox([k1, k2, k3]);
    expect(ring.keyIds).toEqual([k1, k2, k3].map(secretKeyId));
    expect(sealedKeyId(ring.seal('x'))).toBe(secretKeyId(k3));
    expect(ring.open(old).toString()).toBe('under k2');
    expect(ring.open(new SecretBox(k1).seal('under k1')).toString()).toBe('under k1');
    expect(() => new SecretBox(k3).open(old)).toThrow(new RegExp(`names key ${secretKeyId(k2)}`));
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes/);
    expect(() => new SecretBox([])).toThrow(/at least one key/);
  });
});

describe('SecretBox: tampering', () => {
  const key = generateSecretKey();
  const box = new SecretBox(key);
  const sealed = box.seal('do not touch');
  const flip = (index: number) => {
    const copy = Buffer.from(sealed);
    copy[index]! ^= 0x01;
    return copy;
  };

  it.each([
    ['the version byte', 0, /Not a sealed value|could not be opened/],
    ['the key id', 3, /which this server does not have/],
    ['the IV', 12, /altered/],
    ['the tag', 25, /altered/],
    ['the ciphertext', sealed.length - 1, /altered/],
  ])('a changed byte in %s fails', (_what, index, message) => {
    expect(() => box.open(flip(index as number))).toThrow(message as RegExp);
  });

  it('a truncated value or one under another key id fails; the error never carries the plaintext', () => {
    expect(() => box.open(sealed.subarray(0, 20))).toThrow(/Not a sealed value/);
    expect(() => box.open(Buffer.alloc(0))).toThrow(/Not a sealed value/);
    // Same ciphertext, header claiming another key of the ring: the header is authenticated.
    const other = generateSecretKey();
    const ring = new SecretBox([other, key]);
    const relabelled = Buffer.from(sealed);
    Buffer.from(secretKeyId(other), 'hex').copy(relabelled, 1);
    let message = '';
    try {
      ring.open(relabelled);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/altered/);
    expect(message).not.toContain('do not touch');
  });
});

describe('key file', () => {
  it('loadSecretBox creates secret.keys with mode 0600 on first start, and reuses it', async () => {
    const box = await loadSecretBox(undefined, dir);
    const file = path.join(dir, 'secret.keys');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const contents = await readKeyFile(dir);
    expect(contents?.keys.map((k) => k.id)).toEqual([box.primaryKeyId]);
    expect(contents?.legacy).toBe(false);
    const again = await loadSecretBox(undefined, dir);
    expect(again.primaryKeyId).toBe(box.primaryKeyId);
    expect(again.open(box.seal('same key')).toString()).toBe('same key');
    // No temporary files are left behind.
    expect(readdirSync(dir)).toEqual(['secret.keys']);
  });

  it('two processes starting together end up with one key', async () => {
    const boxes = await Promise.all(Array.from({ length: 8 }, () => loadSecretBox(undefined, dir)));
    expect(new Set(boxes.map((b) => b.primaryKeyId)).size).toBe(1);
  });

  it('reads an older single-key secret.key; a rotation replaces it by secret.keys (0600) holding both keys', async () => {
    const legacyKey = generateSecretKey();
    writeFileSync(path.join(dir, 'secret.key'), legacyKey.toString('base64') + '\n', { mode: 0o600 });
    const v1 = sealV1(legacyKey, 'made by the old server');
    const box = await loadSecretBox(undefined, dir);
    expect(box.primaryKeyId).toBe(secretKeyId(legacyKey));
    expect(box.open(v1).toString()).toBe('made by the old server');
    expect(existsSync(path.join(dir, 'secret.keys'))).toBe(false);
    expect((await readKeyFile(dir))?.legacy).toBe(true);

    const next = generateSecretKey();
    await writeKeyFile(dir, [entry(legacyKey), entry(next)]);
    expect(existsSync(path.join(dir, 'secret.key'))).toBe(false);
    expect(statSync(path.join(dir, 'secret.keys')).mode & 0o777).toBe(0o600);
    const reloaded = await loadSecretBox(undefined, dir);
    expect(reloaded.keyIds).toEqual([secretKeyId(legacyKey), secretKeyId(next)]);
    expect(reloaded.open(v1).toString()).toBe('made by the old server');
    // The file names each key's id and never anything else secret.
    const text = readFileSync(path.join(dir, 'secret.keys'), 'utf8');
    expect(JSON.parse(text).keys.map((k: { id: string }) => k.id)).toEqual(reloaded.keyIds);
  });

  it('refuses a key file whose id does not match its key, or that is not a key file', async () => {
    const key = generateSecretKey();
    writeFileSync(path.join(dir, 'secret.keys'), JSON.stringify({ format: 'pan-secret-keys/1', keys: [{ id: '0000000000000000', key: key.toString('base64') }] }));
    await expect(loadSecretBox(undefined, dir)).rejects.toThrow(/has id 0000000000000000/);
    writeFileSync(path.join(dir, 'secret.keys'), '{"keys": []}');
    await expect(loadSecretBox(undefined, dir)).rejects.toThrow(/not a key file/);
  });

  it('with PAN_SECRET_KEY: that key seals, PAN_SECRET_KEYS_OLD keys still open, no file is written', async () => {
    const [k1, k2, k3] = [generateSecretKey(), generateSecretKey(), generateSecretKey()];
    const box = await loadSecretBox(k3.toString('base64'), dir, { oldKeys: `${k1.toString('base64')}, ${k2.toString('base64')}` });
    expect(box.primaryKeyId).toBe(secretKeyId(k3));
    expect(box.open(sealV1(k1, 'one')).toString()).toBe('one');
    expect(box.open(new SecretBox(k2).seal('two')).toString()).toBe('two');
    expect(readdirSync(dir)).toEqual([]);
    await expect(loadSecretBox('c2hvcnQ=', dir)).rejects.toThrow(/PAN_SECRET_KEY must be 32 bytes/);
    await expect(loadSecretBox(k3.toString('base64'), dir, { oldKeys: 'bm9wZQ==' })).rejects.toThrow(/PAN_SECRET_KEYS_OLD \(item 1\) must be 32 bytes/);
  });
});

describe('a running server follows the key file', () => {
  it('open meets an unknown key id: reloads the file once and opens it', async () => {
    const server = await loadSecretBox(undefined, dir);
    const first = (await readKeyFile(dir))!.keys[0]!;
    const next = generateSecretKey();
    await writeKeyFile(dir, [first, entry(next)]);
    // Another process (the rotation) seals with the new key.
    const sealedByRotation = new SecretBox([first.key, next]).seal('re-encrypted');
    expect(server.keyIds).toEqual([first.id]);
    expect(server.open(sealedByRotation).toString()).toBe('re-encrypted');
    expect(server.keyIds).toEqual([first.id, secretKeyId(next)]);
  });

  it('a box made from keys read just before a rotation still finds the new key', async () => {
    const first = generateSecretKey();
    const next = generateSecretKey();
    await writeKeyFile(dir, [entry(first), entry(next)]);
    // The keys were read before the file changed; the box is built after.
    const box = new SecretBox([first], { source: keyFileSource(dir) });
    expect(box.open(new SecretBox([first, next]).seal('new')).toString()).toBe('new');
  });

  it('an id that is in no file still fails after the reload', async () => {
    const server = await loadSecretBox(undefined, dir);
    expect(() => server.open(new SecretBox(generateSecretKey()).seal('x'))).toThrow(/does not have/);
  });

  it('seal picks up a new primary once the file changed (checked at most every second)', async () => {
    let now = 1_000_000;
    const first = generateSecretKey();
    await writeKeyFile(dir, [entry(first)]);
    const box = new SecretBox([first], { source: keyFileSource(dir), now: () => now });
    const next = generateSecretKey();
    await writeKeyFile(dir, [entry(first), entry(next)]);
    now += 500;
    expect(sealedKeyId(box.seal('a'))).toBe(secretKeyId(first));
    now += 600;
    expect(sealedKeyId(box.seal('b'))).toBe(secretKeyId(next));
    expect(box.primaryKeyId).toBe(secretKeyId(next));
  });

  it('a key file that cannot be read any more leaves the ring as it was', async () => {
    let now = 0;
    const first = generateSecretKey();
    await writeKeyFile(dir, [entry(first)]);
    const box = new SecretBox([first], { source: keyFileSource(dir), now: () => now });
    writeFileSync(path.join(dir, 'secret.keys'), 'garbage');
    now += 5000;
    const sealed = box.seal('still works');
    expect(box.open(sealed).toString()).toBe('still works');
    expect(box.primaryKeyId).toBe(secretKeyId(first));
  });
});
