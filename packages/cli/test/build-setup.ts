import { ensurePackagesBuilt } from '../../../demo/src/build.ts';

/**
 * The tests run `pan` as users do, from the compiled CLI (bin/pan.js imports dist/): build the
 * packages first when their sources changed since the last build (a no-op otherwise).
 */
export default async function setup() {
  await ensurePackagesBuilt();
}
