import * as paths from '@pan/contract/paths';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/index.ts';

/**
 * `@pan/contract/paths` is how the elements and the CLI name the run API's routes: each path,
 * filled in, must be one the run API registers (a path renamed on one side only fails here).
 */

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), listen: false });
});

afterAll(async () => {
  await stack?.stop();
});

/** A route pattern as a regular expression over filled-in paths (`:id` is one segment). */
const matcher = (url: string) => new RegExp(`^${url.replace(/:[A-Za-z0-9_]+/g, '[^/]+')}$`);

describe('@pan/contract/paths', () => {
  const filled = Object.entries(paths).map(([name, path]) => [name, typeof path === 'string' ? path : path('a-b_c')] as const);

  it.each(filled)('%s (%s) is a route of the run API', (_name, path) => {
    const routes = stack.app.routeTable.filter(({ url }) => matcher(url).test(path));
    expect(routes, `no route serves ${path}`).not.toEqual([]);
  });

  it('encodes what it puts in a path', () => {
    expect(paths.tenant('a/b c')).toBe('/marketplace/tenants/a%2Fb%20c');
    expect(paths.hostRunLog('../x')).toBe('/v2/runs/..%2Fx/log');
  });
});
