import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateMsgId } from '@lit/localize/internal/id-generation.js';
import type { Schedule } from '@pan/contract';
import '../define.ts';
import { cleanup, mountView, shadowText } from '../../test/harness.ts';
import { fixture, part, settingsForm, text } from '../../test/settings-form-harness.ts';
import { settingsCorpus } from '../../../pandium-yaml/test/settings-corpus.ts';
import { registerLocale, resolveLocale } from '../index.ts';
import { setTokenLocale } from './locale.ts';

const DAILY: Schedule = { type: 'cron', expression: '0 9 * * *' };
const legend = (el: HTMLElement) => shadowText(el, 'legend');

// The test page may declare a `lang` on <html>, which every element would inherit.
let pageLang: string | null;
beforeEach(() => {
  pageLang = document.documentElement.getAttribute('lang');
  document.documentElement.removeAttribute('lang');
});
afterEach(() => {
  cleanup();
  setTokenLocale('');
  if (pageLang !== null) document.documentElement.setAttribute('lang', pageLang);
});

async function editor(lang?: string, parent?: HTMLElement | ShadowRoot) {
  const el = document.createElement('pan-schedule-editor');
  if (lang) el.lang = lang;
  el.timeZone = 'Asia/Tokyo';
  el.value = DAILY;
  if (parent) parent.append(el);
  else document.body.append(el);
  await el.updateComplete;
  return el;
}

describe('the element locale', () => {
  it('speaks German in lang="de", then French when lang changes, then English', async () => {
    const el = await editor('de');
    try {
      await expect.poll(() => legend(el)).toBe('Zeitplan');
      expect(shadowText(el, 'label[for="time-zone"]')).toBe('Zeitzone');
      el.lang = 'fr';
      await expect.poll(() => legend(el)).toBe('Planification');
      el.lang = 'en';
      await expect.poll(() => legend(el)).toBe('Schedule');
    } finally {
      el.remove();
    }
  });

  it('takes the best match by language (de-AT → de) and formats with the full tag', async () => {
    const el = await editor('de-AT');
    try {
      await expect.poll(() => legend(el)).toBe('Zeitplan');
      expect(resolveLocale(el)).toBe('de-AT');
    } finally {
      el.remove();
    }
  });

  it('follows the nearest ancestor\'s lang across shadow roots, else the token\'s claim, else the browser', async () => {
    const host = document.createElement('div');
    host.lang = 'fr';
    document.body.append(host);
    const shadow = host.attachShadow({ mode: 'open' });
    const inner = document.createElement('div');
    shadow.append(inner);
    const el = await editor(undefined, inner);
    try {
      setTokenLocale('es');
      await expect.poll(() => legend(el)).toBe('Planification');
      // No lang above: the token's claim.
      host.removeAttribute('lang');
      await expect.poll(() => legend(el)).toBe('Programación');
      // A lang inside the shadow root, nearer than the host's: it wins over the claim.
      inner.lang = 'de';
      await expect.poll(() => legend(el)).toBe('Zeitplan');
      inner.removeAttribute('lang');
      // No claim either: the browser's language.
      setTokenLocale('');
      await expect.poll(() => resolveLocale(el)).toBe(navigator.language);
    } finally {
      host.remove();
    }
  });

  it('formats the schedule preview\'s dates with Intl in Japanese', async () => {
    const el = await editor('ja');
    try {
      await expect.poll(() => legend(el)).toBe('スケジュール');
      const times = [...el.shadowRoot!.querySelectorAll('time')];
      expect(times.length).toBe(3);
      const ja = new Intl.DateTimeFormat('ja', {
        weekday: 'short',
        day: 'numeric',
        month: 'short',
        hour: '2-digit',
        minute: '2-digit',
        timeZone: 'Asia/Tokyo',
        timeZoneName: 'short',
      });
      for (const time of times) expect(time.textContent).toBe(ja.format(new Date(time.dateTime)));
      expect(times[0]!.textContent).toMatch(/月/);
      // cronstrue's own Japanese, loaded when first needed.
      await expect.poll(() => shadowText(el, '.preview__summary')).toMatch(/Asia\/Tokyo/);
      await expect.poll(() => shadowText(el, '.preview__summary')).not.toMatch(/At 09:00/);
    } finally {
      el.remove();
    }
  });

  it('mirrors an element in a right-to-left language by itself, unless the host chose a direction', async () => {
    const el = await editor('ar');
    try {
      await expect.poll(() => el.getAttribute('dir')).toBe('rtl');
      expect(getComputedStyle(el.shadowRoot!.querySelector('legend')!).direction).toBe('rtl');
      // Back to a left-to-right language: the direction it gave itself goes.
      el.lang = 'de';
      await expect.poll(() => legend(el)).toBe('Zeitplan');
      expect(el.hasAttribute('dir')).toBe(false);
      // The host's choice wins: a dir above the element.
      const host = document.createElement('div');
      host.dir = 'ltr';
      document.body.append(host);
      host.append(el);
      el.lang = 'ar';
      await expect.poll(() => legend(el)).not.toBe('Zeitplan');
      expect(el.hasAttribute('dir')).toBe(false);
      expect(getComputedStyle(el.shadowRoot!.querySelector('legend')!).direction).toBe('ltr');
      host.remove();
    } finally {
      el.remove();
    }
  });

  it('lets a host add a language with registerLocale', async () => {
    registerLocale('pt-BR', async () => ({ templates: { [generateMsgId('Schedule', false)]: 'Agendamento' } }));
    const el = await editor('pt-BR');
    try {
      await expect.poll(() => legend(el)).toBe('Agendamento');
      // A message the host's catalogue lacks stays English.
      expect(shadowText(el, 'label[for="time-zone"]')).toBe('Time zone');
    } finally {
      el.remove();
    }
  });
});

describe('the settings form\'s strings (rjsf translateString)', () => {
  const dynamic = settingsCorpus.find((c) => c.name === 'dynamic, not loaded: nothing sent is fine')!.configs;

  it('are translated in the element\'s language', async () => {
    const el = await fixture({ form: settingsForm(dynamic), attributes: { lang: 'de' } });
    await expect.poll(() => text(part(el, 'load-options-button'))).toBe('Optionen laden');
    expect(text(part(el, 'submit-button'))).toBe('Speichern');
    expect(part(el, 'form')?.querySelector('[lang]')?.getAttribute('lang')).toBe('de');
    el.lang = 'es';
    await expect.poll(() => text(part(el, 'load-options-button'))).toBe('Cargar opciones');
  });
});

describe('existing hosts', () => {
  it('speak English with no lang, claim or non-English browser', async () => {
    const el = await mountView('pan-schedule-editor', {});
    if (navigator.language.startsWith('en')) expect(legend(el)).toBe('Schedule');
  });
});
