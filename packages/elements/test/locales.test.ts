/**
 * The shipped catalogues are complete and current: every message the elements' source has
 * (as `lit-localize extract` finds them) is in every `xliff/<locale>.xlf`, translated, with the
 * source's placeholders; no catalogue keeps a message the source no longer has; and
 * `src/locales/<locale>.ts` is what `build/locales.ts` writes from its XLIFF.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readConfigFileAndWriteSchema } from '@lit/localize-tools/lib/config.js';
import { RuntimeLitLocalizer } from '@lit/localize-tools/lib/modes/runtime.js';
import type { RuntimeOutputConfig } from '@lit/localize-tools/lib/types/modes.js';
import { LOCALES_DIR, readXliff, renderLocale, targetLocales, unitProblem, XLIFF_DIR } from '../build/locales.ts';
import { SHIPPED_LOCALES } from '../src/internal/locale.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const config = readConfigFileAndWriteSchema(path.join(root, 'lit-localize.json'));

describe('the catalogues', () => {
  it('ship the languages lit-localize.json names, and locale.ts knows them', () => {
    expect(targetLocales()).toEqual([...config.targetLocales].sort());
    expect([...SHIPPED_LOCALES].sort()).toEqual(targetLocales());
  });

  // Extracting reads the whole program: slow on a loaded machine.
  it('hold every message of the source, translated, and none it no longer has', { timeout: 240_000 }, () => {
    const localizer = new RuntimeLitLocalizer(config as typeof config & { output: RuntimeOutputConfig });
    const { messages, errors } = localizer.extractSourceMessages();
    expect(errors.map((e) => String(e.messageText))).toEqual([]);
    const sourceIds = [...new Set(messages.map((m) => m.name))].sort();
    expect(sourceIds.length).toBeGreaterThan(200);
    for (const locale of targetLocales()) {
      const units = readXliff(path.join(XLIFF_DIR, `${locale}.xlf`));
      const ids = units.map((u) => u.id).sort();
      expect({ locale, missing: sourceIds.filter((id) => !ids.includes(id)) }).toEqual({ locale, missing: [] });
      expect({ locale, stale: ids.filter((id) => !sourceIds.includes(id)) }).toEqual({ locale, stale: [] });
      const problems = units.flatMap((u) => (unitProblem(u) ? [`${u.id}: ${unitProblem(u)}`] : []));
      expect({ locale, problems }).toEqual({ locale, problems: [] });
      // Real translations, not English copies: a word or two may be the same (API, Version, "{0} s"),
      // a sentence may not.
      const words = (text: string) => text.replace(/<x [^>]*\/>/g, '').match(/\p{L}{3,}/gu)?.length ?? 0;

      const copies = units.filter((u) => u.target === u.source && words(u.source) > 3).map((u) => u.source);

      expect({ locale, copies }).toEqual({ locale, copies: [] });

    }
  });

  it('are built from their XLIFF (npx tsx build/locales.ts)', () => {
    for (const locale of targetLocales()) {
      const units = readXliff(path.join(XLIFF_DIR, `${locale}.xlf`));
      expect(readFileSync(path.join(LOCALES_DIR, `${locale}.ts`), 'utf8'), locale).toBe(renderLocale(locale, units));
    }
  });

  it('flags a missing translation and placeholders that are not the source\'s', () => {
    const source = 'Install <x id="0" equiv-text="${name}"/>';
    expect(unitProblem({ id: 's1', source, target: undefined })).toBe('no translation');
    expect(unitProblem({ id: 's1', source, target: 'Installieren' })).toBe('placeholders differ from the source');
    expect(unitProblem({ id: 's1', source, target: '<x id="0" equiv-text="${name}"/> installieren' })).toBeUndefined();
  });
});
