import { ensureBuilt } from '../../../demo/src/build.ts';

/**
 * The tests run `pan` as users do, from the compiled CLI (bin/pan.js imports dist/): build the
 * packages first when their sources changed since the last build (a no-op otherwise), and the
 * elements' script-tag bundle, which `pan serve` serves and the elements' tarball ships.
 */
export default async function setup() {
  await ensureBuilt((line) => console.log(line));
}
