import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../../src/modules/runner/lines.ts';

function split(chunks: Array<string | Buffer>, max?: number): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line), max);
  for (const chunk of chunks) splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  splitter.end();
  return lines;
}

describe('LineSplitter', () => {
  it.each<[string, string[], string[]]>([
    ['LF', ['a\nb\n'], ['a', 'b']],
    ['CRLF', ['a\r\nb\r\n'], ['a', 'b']],
    ['a CR alone stays in the line', ['50%\r100%\n'], ['50%\r100%']],
    ['a last line without newline', ['a\nlast'], ['a', 'last']],
    ['empty lines are lines', ['\n\nx\n'], ['', '', 'x']],
    ['a line across chunks', ['hel', 'lo\nwor', 'ld\n'], ['hello', 'world']],
    ['CR and LF in different chunks', ['a\r', '\nb'], ['a', 'b']],
    ['nothing', [], []],
  ])('%s', (_name, chunks, expected) => {
    expect(split(chunks)).toEqual(expected);
  });

  it('keeps a UTF-8 character split across chunks whole', () => {
    const bytes = Buffer.from('é✓\n');
    expect(split([bytes.subarray(0, 1), bytes.subarray(1, 3), bytes.subarray(3)])).toEqual(['é✓']);
  });

  it('cuts a long line and says how much was not kept', () => {
    expect(split(['x'.repeat(25), '\nnext\n'], 10)).toEqual(['x'.repeat(10) + ' [pan] line cut at 10 bytes: 15 more bytes were not kept', 'next']);
  });

  it('cuts a long CRLF line without counting the CR', () => {
    expect(split(['x'.repeat(12) + '\r\n'], 10)).toEqual(['x'.repeat(10) + ' [pan] line cut at 10 bytes: 2 more bytes were not kept']);
    expect(split(['x'.repeat(10) + '\r\n'], 10)).toEqual(['x'.repeat(10)]);
  });

  it('cuts at a character boundary', () => {
    // 9 ASCII bytes then a 2-byte character straddling the limit of 10: the character goes whole.
    expect(split(['123456789é\n'], 10)).toEqual(['123456789 [pan] line cut at 10 bytes: 2 more bytes were not kept']);
  });

  it('cuts a final line without newline', () => {
    expect(split(['a\n', 'y'.repeat(30)], 10)).toEqual(['a', 'y'.repeat(10) + ' [pan] line cut at 10 bytes: 20 more bytes were not kept']);
  });

  it('discards the line under way, saying how many bytes it had (cut ones included)', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line), 10);
    splitter.push(Buffer.from('a\n' + 'y'.repeat(30)));
    expect(splitter.discard()).toBe(30);
    splitter.push(Buffer.from('b\n'));
    splitter.end();
    expect(lines).toEqual(['a', 'b']);
  });
});
