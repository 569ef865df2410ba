import { NOT_JSON, NOTE_LINE_CHARS } from '../runner/last-json.ts';
import type { LogLine } from '../runner/types.ts';

/** What replaces a secret in a log line, as GitHub Actions prints it. */
export const MASK = '***';
/** Shorter values (and shorter encoded forms) are left alone: masking "1" everywhere would hide the log, not the secret. */
export const MIN_SECRET_LENGTH = 4;
/** Lines held back at most while the log ends with what may be the start of a secret. */
const MAX_HELD_LINES = 16;

/**
 * Hides a run's secrets wherever the platform shows what the run printed: its log lines (also a
 * secret split across two lines), its output note and its JSON output. Each secret is looked for
 * as printed and in the encodings scripts print it in (see `secretForms`).
 */
export class SecretMasker {
  readonly #forms: string[];
  readonly #pattern: RegExp;

  private constructor(forms: string[]) {
    // Longest first, so a form that contains another is masked whole.
    this.#forms = forms.sort((a, b) => b.length - a.length);
    this.#pattern = new RegExp(this.#forms.map(escapeRegExp).join('|'), 'g');
  }

  /** A masker for these values, or undefined when none is long enough to be masked. */
  static for(secrets: readonly string[]): SecretMasker | undefined {
    const forms = new Set(secrets.filter((s) => s.length >= MIN_SECRET_LENGTH).flatMap(secretForms));
    return forms.size === 0 ? undefined : new SecretMasker([...forms]);
  }

  text(text: string): string {
    return text.replace(this.#pattern, MASK);
  }

  /** `text` was cut short at its end: the start of a secret it ends with is masked too. */
  cut(text: string): string {
    const masked = this.text(text);
    const from = this.#unfinishedFrom(masked);
    return from === -1 ? masked : masked.slice(0, from) + MASK;
  }

  /**
   * A run's output note (or the log line saying it): the start of a last stdout line that is not
   * JSON, which may end in the middle of a secret.
   */
  note(note: string): string {
    const quoted = `${NOT_JSON}: `;
    const at = note.indexOf(quoted);
    if (at === -1) return this.text(note);
    const start = at + quoted.length;
    const end = start + NOTE_LINE_CHARS;
    return this.text(note.slice(0, start)) + this.cut(note.slice(start, end)) + this.text(note.slice(end));
  }

  /** A JSON text, masked and still JSON. */
  json(text: string): string {
    const masked = this.text(text);
    if (masked === text || parses(masked)) return masked;
    // A form matched across JSON syntax: mask inside the strings instead.
    const walked = JSON.stringify(mapStrings(JSON.parse(text), (s) => this.text(s)));
    // Still there outside a string (a number, say): nothing of the value is worth the risk.
    return this.text(walked) === walked ? walked : JSON.stringify(MASK);
  }

  /** A masker for one run's log, fed its lines in order (it keeps what spans line ends). */
  lines(): LogLineMasker {
    return new LogLineMasker(this.#pattern, (text) => this.#unfinishedFrom(text), this.#forms[0]!.length);
  }

  /** Where `text` ends with the first MIN_SECRET_LENGTH or more characters of a form, but not all of it; else -1. */
  #unfinishedFrom(text: string): number {
    let from = -1;
    for (const form of this.#forms) {
      const head = form.slice(0, MIN_SECRET_LENGTH);
      // Only starts from which fewer characters than the form has are left.
      let at = text.indexOf(head, Math.max(0, text.length - form.length + 1));
      while (at !== -1 && (from === -1 || at < from)) {
        if (form.startsWith(text.slice(at))) {
          from = at;
          break;
        }
        at = text.indexOf(head, at + 1);
      }
    }
    return from;
  }
}

/**
 * Masks a run's log lines as they come, also a secret split across line ends (a wrapped base64
 * block, a value printed in two parts). A line that ends with the start of a secret is held until
 * the next line shows whether the rest follows; when it does not, that start is masked on its own
 * (so is one still unfinished at `flush()`, at the end of the run).
 */
export class LogLineMasker {
  /** Lines not given back yet; where they are masked, the mask is final. */
  #held: LogLine[] = [];
  /** Where, in the held lines' text, the unfinished secret starts. */
  #heldFrom = 0;
  /** The end of what was given back: a secret's start too short to hold its line for. */
  #carry = '';

  constructor(
    private readonly pattern: RegExp,
    private readonly unfinishedFrom: (text: string) => number,
    private readonly longest: number,
  ) {}

  push(lines: readonly LogLine[]): LogLine[] {
    const out: LogLine[] = [];
    for (const line of lines) this.#add(line, out);
    return out;
  }

  /** Everything still held, its unfinished secret masked. */
  flush(): LogLine[] {
    const held = maskFrom(this.#held, this.#heldFrom);
    this.#held = [];
    this.#carry = '';
    return held;
  }

  #add(line: LogLine, out: LogLine[]): void {
    const window = [...this.#held, line];
    const joined = this.#carry + textOf(window);
    const matches = [...joined.matchAll(this.pattern)].map((m) => [m.index, m.index + m[0].length] as const);
    let offset = this.#carry.length;
    let masked = window.map((l) => {
      const start = offset;
      offset += l.line.length;
      const text = maskRanges(l.line, start, matches);
      return text === l.line ? l : { ...l, line: text };
    });
    const from = this.unfinishedFrom(this.#carry + textOf(masked));
    if (this.#held.length > 0) {
      // Where the held secret starts (the text before it is as it was: what it held is unmasked there).
      const heldStart = this.#carry.length + this.#heldFrom;
      const completed = matches.some(([a, b]) => a <= heldStart && b > heldStart);
      // Not completed and not going on either: its start is masked alone.
      if (!completed && (from === -1 || from > heldStart)) {
        masked = [...maskFrom(masked.slice(0, this.#held.length), this.#heldFrom), ...masked.slice(this.#held.length)];
      }
    }
    this.#settle(masked, out);
  }

  /** Gives back the lines before an unfinished secret at the end; holds the rest. */
  #settle(lines: LogLine[], out: LogLine[]): void {
    const from = this.unfinishedFrom(this.#carry + textOf(lines));
    let keep = lines.length;
    let heldFrom = 0;
    if (from !== -1) {
      // The first line that holds part of the unfinished secret, and every line after it.
      let end = this.#carry.length;
      for (const [i, l] of lines.entries()) {
        if (end + l.line.length > from) {
          keep = i;
          heldFrom = Math.max(0, from - end);
          break;
        }
        end += l.line.length;
      }
    }
    if (lines.length - keep > MAX_HELD_LINES) {
      // Too long a wait: what is held goes, its unfinished secret masked.
      lines = [...lines.slice(0, keep), ...maskFrom(lines.slice(keep), heldFrom)];
      keep = lines.length;
    }
    const released = lines.slice(0, keep);
    this.#held = lines.slice(keep);
    this.#heldFrom = heldFrom;
    out.push(...released);
    if (released.length > 0) this.#carry = (this.#carry + textOf(released)).slice(-(this.longest - 1));
  }
}

const textOf = (lines: readonly LogLine[]) => lines.map((l) => l.line).join('');

/** The lines with everything from `from` (an offset into their joined text) masked. */
function maskFrom(lines: readonly LogLine[], from: number): LogLine[] {
  let start = 0;
  return lines.map((l) => {
    const end = start + l.line.length;
    const cut = Math.max(0, from - start);
    start = end;
    if (cut >= l.line.length) return l;
    return { ...l, line: l.line.slice(0, cut) + MASK };
  });
}

/**
 * The forms a script may print `secret` in: as is; JSON-escaped once or twice (also with `\/` and
 * `\uXXXX`, as PHP and Python write it); URL- and form-encoded; hex; and base64 / base64url at each
 * of the three byte alignments it can have inside a longer value (`Basic base64(user:secret)`).
 */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>();
  const add = (form: string) => {
    if (form.length >= MIN_SECRET_LENGTH) forms.add(form);
  };
  add(secret);
  for (const once of [jsonEscape(secret), asciiJsonEscape(secret)]) {
    add(once);
    add(once.replaceAll('/', '\\/'));
    add(jsonEscape(once));
  }
  const uri = encodeURIComponent(secret);
  const form = new URLSearchParams({ v: secret }).toString().slice('v='.length);
  for (const encoded of [uri, form]) {
    add(encoded);
    add(encoded.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()));
  }
  const bytes = Buffer.from(secret, 'utf8');
  const hex = bytes.toString('hex');
  add(hex);
  add(hex.toUpperCase());
  add(bytes.toString('base64'));
  add(bytes.toString('base64url'));
  for (const offset of [0, 1, 2] as const) {
    for (const encoding of ['base64', 'base64url'] as const) add(base64Core(bytes, offset, encoding));
  }
  return [...forms];
}

/**
 * The characters of the base64 encoding that depend only on `bytes` when `offset` bytes (mod 3)
 * come before them in the encoded value, whatever those bytes and the ones after are.
 */
function base64Core(bytes: Buffer, offset: 0 | 1 | 2, encoding: 'base64' | 'base64url'): string {
  const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString(encoding).replace(/=+$/, '');
  // 1 byte before: the 2nd character mixes it with ours; 2 bytes before: the 3rd does.
  const lead = [0, 2, 3][offset]!;
  // An incomplete last group: its last character mixes ours with what follows.
  const trail = (offset + bytes.length) % 3 === 0 ? 0 : 1;
  return encoded.slice(lead, encoded.length - trail);
}

const jsonEscape = (text: string) => JSON.stringify(text).slice(1, -1);
const asciiJsonEscape = (text: string) =>
  jsonEscape(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

function maskRanges(text: string, start: number, ranges: ReadonlyArray<readonly [number, number]>): string {
  let out = '';
  let at = 0;
  for (const [from, to] of ranges) {
    const a = Math.max(from - start, at);
    const b = Math.min(to - start, text.length);
    if (b <= a) continue;
    out += text.slice(at, a) + MASK;
    at = b;
  }
  return at === 0 ? text : out + text.slice(at);
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function mapStrings(value: unknown, map: (s: string) => string): unknown {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, map));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [map(k), mapStrings(v, map)]));
  }
  return value;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
