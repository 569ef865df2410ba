/**
 * ANSI escape sequences in log lines: SGR colours (30-37, 90-97), bold and reset become classes;
 * every other escape sequence and control character is dropped. Pure functions: the element
 * builds nodes from the segments (the text is never parsed as HTML).
 */

/** The style in effect: carried from one line to the next, as a terminal would. */
export interface AnsiStyle {
  /** `red`, `bright-red`... or null for the default colour. */
  fg: string | null;
  bold: boolean;
}

/** A piece of a line and its classes (`ansi-red ansi-bold`, or '' for plain text). */
export interface AnsiSegment {
  text: string;
  classes: string;
}

export const PLAIN: AnsiStyle = Object.freeze({ fg: null, bold: false });

const COLOURS = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];

/**
 * CSI sequences (ESC [ ... final byte; group 1 holds the parameters of an SGR, final `m`), OSC
 * and other string sequences (ESC ] P X ^ _ ... up to BEL or ESC \), any other escape, and the
 * control characters other than tab.
 */
const SEQUENCE = /\x1b\[([0-?]*)[ -/]*([@-~])?|\x9b[0-?]*[ -/]*[@-~]?|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[ -/]*[0-~]?|[\x00-\x08\x0a-\x1f\x7f-\x9f]/g;

/** Splits a line into styled segments, starting from `style` (the previous line's end style). */
export function parseAnsi(line: string, style: AnsiStyle = PLAIN): { segments: AnsiSegment[]; style: AnsiStyle } {
  const segments: AnsiSegment[] = [];
  let current = style;
  const text = overwritten(line);
  let last = 0;
  const push = (piece: string) => {
    if (!piece) return;
    const classes = classesOf(current);
    const previous = segments[segments.length - 1];
    if (previous && previous.classes === classes) previous.text += piece;
    else segments.push({ text: piece, classes });
  };
  for (const match of text.matchAll(SEQUENCE)) {
    push(text.slice(last, match.index));
    last = match.index + match[0].length;
    if (match[2] === 'm' && match[1] !== undefined) current = applySgr(current, match[1]);
  }
  push(text.slice(last));
  return { segments, style: current };
}

/** The line as plain text: every escape sequence and control character removed. */
export function stripAnsi(line: string): string {
  return overwritten(line).replace(SEQUENCE, '');
}

/** A carriage return in the middle of a line (a progress bar) overwrites what came before it. */
function overwritten(line: string): string {
  const end = line.endsWith('\r') ? line.length - 1 : line.length;
  const cr = line.lastIndexOf('\r', end - 1);
  return cr === -1 ? line.slice(0, end) : line.slice(cr + 1, end);
}

function applySgr(style: AnsiStyle, parameters: string): AnsiStyle {
  // Private (`?`, `<`...) or sub-parameter (`:`) forms are not colours we know: ignore them.
  if (/[^\d;]/.test(parameters)) return style;
  const codes = parameters === '' ? [0] : parameters.split(';').map((p) => (p === '' ? 0 : Number(p)));
  let { fg, bold } = style;
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i]!;
    if (code === 0) {
      fg = null;
      bold = false;
    } else if (code === 1) bold = true;
    else if (code === 22) bold = false;
    else if (code >= 30 && code <= 37) fg = COLOURS[code - 30]!;
    else if (code >= 90 && code <= 97) fg = `bright-${COLOURS[code - 90]}`;
    else if (code === 39) fg = null;
    // 256-colour and RGB colours (foreground or background): skip their arguments.
    else if (code === 38 || code === 48 || code === 58) i += codes[i + 1] === 5 ? 2 : codes[i + 1] === 2 ? 4 : 0;
  }
  return fg === style.fg && bold === style.bold ? style : { fg, bold };
}

function classesOf(style: AnsiStyle): string {
  if (!style.fg) return style.bold ? 'ansi-bold' : '';
  return style.bold ? `ansi-${style.fg} ansi-bold` : `ansi-${style.fg}`;
}
