import { describe, expect, it } from 'vitest';
import { parseAnsi, PLAIN, stripAnsi } from './ansi.ts';

const ESC = '\x1b';
const segments = (line: string) => parseAnsi(line).segments;

describe('parseAnsi', () => {
  it('gives plain text as one unstyled segment', () => {
    expect(segments('contact 1 synced')).toEqual([{ text: 'contact 1 synced', classes: '' }]);
    expect(segments('')).toEqual([]);
  });

  it('turns the foreground colours 30-37 and 90-97 into classes, and reset ends them', () => {
    expect(segments(`${ESC}[31mred${ESC}[0m plain ${ESC}[32mgreen${ESC}[m done`)).toEqual([
      { text: 'red', classes: 'ansi-red' },
      { text: ' plain ', classes: '' },
      { text: 'green', classes: 'ansi-green' },
      { text: ' done', classes: '' },
    ]);
    const names = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];
    names.forEach((name, i) => {
      expect(segments(`${ESC}[${30 + i}mx`)).toEqual([{ text: 'x', classes: `ansi-${name}` }]);
      expect(segments(`${ESC}[${90 + i}mx`)).toEqual([{ text: 'x', classes: `ansi-bright-${name}` }]);
    });
  });

  it('combines bold with a colour; 22 ends bold and 39 the colour', () => {
    expect(segments(`${ESC}[1;92mok${ESC}[22m green${ESC}[39m plain ${ESC}[1mbold`)).toEqual([
      { text: 'ok', classes: 'ansi-bright-green ansi-bold' },
      { text: ' green', classes: 'ansi-bright-green' },
      { text: ' plain ', classes: '' },
      { text: 'bold', classes: 'ansi-bold' },
    ]);
  });

  it('carries the style from one line to the next, as a terminal does', () => {
    const first = parseAnsi(`${ESC}[33mwarning: a long`);
    expect(first.style).toEqual({ fg: 'yellow', bold: false });
    const second = parseAnsi(`message${ESC}[0m end`, first.style);
    expect(second.segments).toEqual([
      { text: 'message', classes: 'ansi-yellow' },
      { text: ' end', classes: '' },
    ]);
    expect(second.style).toEqual(PLAIN);
  });

  it('merges pieces with the same style and drops empty ones', () => {
    expect(segments(`${ESC}[31ma${ESC}[31mb${ESC}[0m${ESC}[0m`)).toEqual([{ text: 'ab', classes: 'ansi-red' }]);
  });

  it('ignores the SGR codes it does not render: backgrounds, 256 and RGB colours, underline', () => {
    expect(segments(`${ESC}[41;4mbg${ESC}[38;5;31m256${ESC}[38;2;255;0;0mrgb${ESC}[48;5;1mx`)).toEqual([
      { text: 'bg256rgbx', classes: '' },
    ]);
    // A colour after a 256-colour one still counts.
    expect(segments(`${ESC}[38;5;200;31mred`)).toEqual([{ text: 'red', classes: 'ansi-red' }]);
    // Private and sub-parameter forms change nothing.
    expect(segments(`${ESC}[?31mx${ESC}[38:5:1my`)).toEqual([{ text: 'xy', classes: '' }]);
  });

  it('strips every other escape sequence and control character (tabs stay)', () => {
    const line = `${ESC}[2K${ESC}[1Gprogress${ESC}]0;window title${ESC}\\ 100%${ESC}]8;;http://x${ESC}[?25l\tdone${ESC}(B${ESC}7\x00\x07\x9b1A${ESC}`;
    expect(segments(line)).toEqual([{ text: 'progress 100%\tdone', classes: '' }]);
    expect(segments(`bell\x07 and ${ESC}]2;title\x07 osc`)).toEqual([{ text: 'bell and  osc', classes: '' }]);
  });

  it('keeps only what follows a carriage return inside a line (a progress bar), and drops a trailing one', () => {
    expect(segments('10%\r50%\r100%')).toEqual([{ text: '100%', classes: '' }]);
    expect(segments('done\r')).toEqual([{ text: 'done', classes: '' }]);
  });

  it('keeps markup as text: the element puts segments in as text nodes', () => {
    expect(segments(`${ESC}[31m<img src=x onerror=alert(1)>${ESC}[0m &amp;`)).toEqual([
      { text: '<img src=x onerror=alert(1)>', classes: 'ansi-red' },
      { text: ' &amp;', classes: '' },
    ]);
  });
});

describe('stripAnsi', () => {
  it('gives the text without any escape sequence', () => {
    expect(stripAnsi(`${ESC}[1;31mError:${ESC}[0m ${ESC}]0;t${ESC}\\failed\r`)).toBe('Error: failed');
  });
});
