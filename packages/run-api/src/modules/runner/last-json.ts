/**
 * "Only the last JSON value printed counts" (SPEC): finds the JSON value that ends a run's stdout.
 * Scripts print log text and then JSON on the last line, or a pretty-printed (multi-line) object or
 * array at the end, or several JSON lines (the last one wins).
 */
export type LastJson = { json: string } | { note: string };

export const NOTHING_PRINTED = 'the run printed nothing on stdout';
export const NOT_JSON = 'the last output on stdout is not JSON';
/** Characters of a last line that is not JSON shown in the note (the worker masks secrets in them). */
export const NOTE_LINE_CHARS = 80;
/** Bounds the work spent looking for the start of a multi-line value in a long output. */
export const MAX_ATTEMPTS = 200;

export function lastJsonValue(stdout: string): LastJson {
  const text = stdout.replace(/\s+$/, '');
  if (text === '') return { note: NOTHING_PRINTED };
  const lineStart = text.lastIndexOf('\n') + 1;
  const lastLine = text.slice(lineStart).trim();

  // 1. The last line on its own (one JSON line, or the last of several).
  const single = parse(lastLine);
  if (single !== undefined) return { json: single };

  // 2. A multi-line value ending the output: it ends with `}` or `]` and starts on a line whose
  // first non-blank character is `{` or `[`, indented no deeper than its closing line (pretty
  // printers indent nested values further). The nearest such line whose text parses to the end wins.
  const last = text[text.length - 1];
  if (last === '}' || last === ']') {
    const closingIndent = indentOf(text.slice(lineStart));
    let attempts = 0;
    let end = lineStart - 1; // the newline before the line being looked at
    while (end > 0 && attempts < MAX_ATTEMPTS) {
      const start = text.lastIndexOf('\n', end - 1) + 1;
      const line = text.slice(start, end);
      const indent = indentOf(line);
      const first = line[indent];
      if ((first === '{' || first === '[') && indent <= closingIndent) {
        attempts += 1;
        const value = parse(text.slice(start));
        if (value !== undefined) return { json: value };
      }
      end = start - 1;
    }
  }
  return { note: `${NOT_JSON}: ${lastLine.slice(0, NOTE_LINE_CHARS)}` };
}

/** The value re-serialised (compact), or undefined when `text` is not one JSON value. */
function parse(text: string): string | undefined {
  if (text === '') return undefined;
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function indentOf(line: string): number {
  const match = /^[ \t]*/.exec(line);
  return match ? match[0].length : 0;
}
