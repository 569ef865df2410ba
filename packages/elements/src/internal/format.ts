/**
 * Dates, times, numbers, relative times and lists through `Intl`, in the locale of the element
 * rendering (`currentLocale()`). Formatters are cached per locale and options.
 */
import { currentLocale } from './locale.ts';

const cache = new Map<string, unknown>();

function cached<T>(kind: string, options: object, make: (locale: string) => T): T {
  const locale = currentLocale();
  const key = `${kind} ${locale} ${JSON.stringify(options)}`;
  let format = cache.get(key) as T | undefined;
  if (!format) {
    try {
      format = make(locale);
    } catch {
      // A `lang` Intl does not know (RangeError): the browser's default locale.
      format = make(undefined as unknown as string);
    }
    cache.set(key, format);
  }
  return format;
}

export function formatDate(date: Date | string | number, options: Intl.DateTimeFormatOptions): string {
  return cached('date', options, (l) => new Intl.DateTimeFormat(l, options)).format(new Date(date));
}

export function formatNumber(value: number, options: Intl.NumberFormatOptions = {}): string {
  return cached('number', options, (l) => new Intl.NumberFormat(l, options)).format(value);
}

/** "a, b and c" (`conjunction`), or "a, b, c" (`unit`: a plain enumeration). */
export function formatList(items: string[], type: Intl.ListFormatType = 'conjunction'): string {
  return cached('list', { type }, (l) => new Intl.ListFormat(l, { type, style: type === 'unit' ? 'short' : 'long' })).format(items);
}


/** "3 minutes ago", "in 2 hours", "yesterday", relative to `now`. */
export function formatRelative(date: Date | string | number, now = Date.now()): string {
  const seconds = (new Date(date).getTime() - now) / 1000;
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['year', 31_536_000],
    ['month', 2_592_000],
    ['week', 604_800],
    ['day', 86_400],
    ['hour', 3600],
    ['minute', 60],
  ];
  const [unit, size] = units.find(([, size]) => Math.abs(seconds) >= size) ?? ['second', 1];
  return cached('relative', {}, (l) => new Intl.RelativeTimeFormat(l, { numeric: 'auto' })).format(Math.round(seconds / size), unit);
}
