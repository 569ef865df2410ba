import { afterAll, describe, expect, it } from 'vitest';
import { checkRepositoryUrl, normalRepositoryPath } from '../../../src/modules/catalog/repository.ts';
import { EgressPolicy } from '../../../src/platform/egress.ts';

/** The repository fields' checks (saving a listing and building a release both use them). */

const egress = new EgressPolicy({ allow: ['git.internal.test'] });
afterAll(() => egress.close());

describe('checkRepositoryUrl', () => {
  it.each([
    ['https://github.com/acme/x.git', false, true],
    ['http://git.internal.test/x.git', false, true],
    ['http://github.com/acme/x.git', false, false],
    ['file:///srv/git/x.git', true, true],
    ['file:///srv/git/x.git', false, false],
    ['file://otherhost/srv/x.git', true, false],
    ['ext::sh -c touch% /tmp/x', true, false],
    ['ssh://git@github.com/acme/x.git', true, false],
    ['git://github.com/acme/x.git', true, false],
    ['git@github.com:acme/x.git', true, false],
    ['https://token@github.com/acme/x.git', true, false],
    ['https://github.com/acme/x.git?x=1', true, false],
    ['https://10.0.0.1/x.git', true, false],
    ['https://localhost/x.git', true, false],
  ])('%s (file allowed: %s) is accepted: %s', (url, allowFile, ok) => {
    expect(checkRepositoryUrl(url, { allowFile, egress }).ok).toBe(ok);
  });
});

describe('normalRepositoryPath', () => {
  it.each([
    ['', ''],
    ['.', ''],
    ['./', ''],
    ['integrations/acme/', 'integrations/acme'],
    ['./a/./b', 'a/b'],
    ['a/../b', null],
    ['..', null],
    ['../x', null],
    ['a/../../x', null],
    ['/etc', null],
    ['/', null],
    ['a\\\\..\\\\b', null],
  ])('%j is %j', (raw, expected) => {
    expect(normalRepositoryPath(raw)).toBe(expected);
  });
});
