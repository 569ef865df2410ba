/**
 * `npm run bench -- form`: a 200-field settings form (20 conditional fields through `dependencies`,
 * a list of 100 items) rendered by <pan-settings-form> and by bare @rjsf/core (its default theme),
 * in the same Chromium page, same run: first render, and keystroke-to-paint while typing into a
 * text field (from the keydown to the next frame rendered after the field changed).
 *
 * The bare baseline validates with the same @cfworker/json-schema validator as the wrapper, so the
 * ratio is the wrapper's own cost; bare rjsf with @rjsf/validator-ajv8 is shown for reference.
 * Production builds (Vite), Debian's Chromium through playwright-core.
 *
 * Each round renders every kind (alternating the order) and types into it; a full garbage
 * collection runs before each render and each series of keystrokes, and the typing starts once
 * the field's keyboard focus ring has finished its transition. The machine's own noise shows
 * in the p95: run more rounds to narrow it.
 *
 * Options: `npm run bench -- form [rounds] [keystrokes]` (default 8 rounds of 40 keystrokes).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';
import { formsAliases } from '../packages/forms/vite.aliases.ts';
import { sourceConditions } from '../vite.conditions.ts';
import { chromiumArgs, chromiumPath } from '../vitest.config.ts';

type Kind = 'wrapper' | 'bare' | 'bare-ajv8';
interface FormBench {
  render(kind: Kind): Promise<number>;
  focusTyped(): void;
  settled(): Promise<void>;
  arm(): void;
  measured(): Promise<number>;
  unmount(): void;
}
declare global {
  interface Window {
    formBench: FormBench;
  }
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pageRoot = path.join(root, 'bench/fixtures/form-bench');
const rounds = Number(process.argv[3] ?? 8);
const keystrokes = Number(process.argv[4] ?? 40);
const KINDS: Kind[] = ['wrapper', 'bare', 'bare-ajv8'];
const NAMES: Record<Kind, string> = {
  wrapper: '<pan-settings-form>',
  bare: 'bare @rjsf/core (cfworker)',
  'bare-ajv8': 'bare @rjsf/core (ajv8)',
};
const P95_GOAL_MS = 50;
const RATIO_GOAL = 1.1;

const outDir = mkdtempSync(path.join(os.tmpdir(), 'pan-form-bench-'));
await build({
  configFile: false,
  logLevel: 'silent',
  root: pageRoot,
  resolve: { alias: formsAliases, conditions: sourceConditions.resolve.conditions },
  build: { outDir, emptyOutDir: true, target: 'es2022', minify: true, modulePreload: { polyfill: false } },
});
const server = await preview({
  configFile: false,
  logLevel: 'silent',
  root: pageRoot,
  build: { outDir },
  preview: { port: 0, host: '127.0.0.1' },
});
const url = server.resolvedUrls?.local[0];
if (!url) throw new Error('the preview server has no URL');

const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: [...chromiumArgs, '--js-flags=--expose-gc', '--disable-renderer-backgrounding'],
  headless: true,
});
const results: Record<Kind, { render: number[]; keys: number[] }> = {
  wrapper: { render: [], keys: [] },
  bare: { render: [], keys: [] },
  'bare-ajv8': { render: [], keys: [] },
};
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (error) => console.error('page error:', error));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });

  // Warm up every kind once (JIT, the lazy chunk, style sheets), then alternate kinds each round.
  for (const kind of KINDS) await page.evaluate((k) => window.formBench.render(k), kind);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? KINDS : [...KINDS].reverse();
    for (const kind of order) {
      results[kind].render.push(await page.evaluate((k) => window.formBench.render(k), kind));
      await page.evaluate(() => window.formBench.focusTyped());
      // A key that changes nothing shows the keyboard focus ring; its transition ends before timing.
      await page.keyboard.press('End');
      await page.evaluate(() => window.formBench.settled());
      for (let i = 0; i < keystrokes; i++) {
        await page.evaluate(() => window.formBench.arm());
        await page.keyboard.press(i % 5 === 4 ? 'Backspace' : 'x');
        results[kind].keys.push(await page.evaluate(() => window.formBench.measured()));
      }
      await page.evaluate(() => window.formBench.unmount());
    }
  }
} finally {
  await browser.close();
  await server.close();
  rmSync(outDir, { recursive: true, force: true });
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const quantile = (xs: number[], q: number) => {
  const s = sorted(xs);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};
const median = (xs: number[]) => quantile(xs, 0.5);
const ms = (n: number) => `${n.toFixed(1).padStart(6)} ms`;

console.log(`form: 200 fields (20 conditional), a list of 100 items; ${rounds} rounds, ${keystrokes} keystrokes each`);
console.log(`  ${''.padEnd(28)} first render (median)   keystroke-to-paint p50 / p95`);
for (const kind of KINDS) {
  const r = results[kind];
  console.log(
    `  ${NAMES[kind].padEnd(28)} ${ms(median(r.render))}              ${ms(quantile(r.keys, 0.5))} / ${ms(quantile(r.keys, 0.95))}`,
  );
}
const wrapper = results.wrapper;
const bare = results.bare;
const renderRatio = median(wrapper.render) / median(bare.render);
const keyRatio = quantile(wrapper.keys, 0.95) / quantile(bare.keys, 0.95);
console.log(`  wrapper / bare (same validator): first render ${renderRatio.toFixed(2)}x, keystroke p95 ${keyRatio.toFixed(2)}x`);
const p95 = quantile(wrapper.keys, 0.95);
console.log(`  goal keystroke p95 < ${P95_GOAL_MS} ms: ${p95 < P95_GOAL_MS ? 'met' : 'NOT met'} (${p95.toFixed(1)} ms)`);
console.log(
  `  goal wrapper within 10 % of bare rjsf: first render ${renderRatio <= RATIO_GOAL ? 'met' : 'NOT met'}, keystroke p95 ${keyRatio <= RATIO_GOAL ? 'met' : 'NOT met'}`,
);
