import { describe, expect, it, vi } from 'vitest';
import { MAX_ATTEMPTS, lastJsonValue } from '../../../src/modules/runner/last-json.ts';

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

describe('lastJsonValue', () => {
  it.each<[string, string, { json: string } | { note: string }]>([
    ['nothing at all', '', { note: 'the run printed nothing on stdout' }],
    ['only blank lines', '\n  \n\t\n', { note: 'the run printed nothing on stdout' }],
    ['one object', '{"a":1}', { json: '{"a":1}' }],
    ['one object and a newline', '{"a": 1}\n', { json: '{"a":1}' }],
    ['log text, then JSON on the last line', 'starting\nfetched 3 orders\n{"cursor": "abc"}\n', { json: '{"cursor":"abc"}' }],
    ['several JSON lines: the last wins', '{"a":1}\n{"a":2}\n[3]\n', { json: '[3]' }],
    ['CRLF line ends', 'log\r\n{"a":1}\r\n', { json: '{"a":1}' }],
    ['trailing blank lines after the JSON', '{"a":1}\n\n   \n', { json: '{"a":1}' }],
    ['a pretty-printed object after log text', `log line\n${pretty({ a: 1, b: { c: [1, 2] } })}\n`, { json: '{"a":1,"b":{"c":[1,2]}}' }],
    ['a pretty-printed array of objects', `x\n${pretty([{ a: 1 }, { b: [{ c: 2 }] }])}`, { json: '[{"a":1},{"b":[{"c":2}]}]' }],
    ['a one-line JSON before a pretty one: the pretty one wins', `{"old":true}\n${pretty({ new: true })}`, { json: '{"new":true}' }],
    ['a pretty object after a line that starts with {', `{ not json\n${pretty({ a: '}' })}`, { json: '{"a":"}"}' }],
    ['a pretty object with CRLF', '{\r\n  "a": 1\r\n}\r\n', { json: '{"a":1}' }],
    ['a pretty object indented as a whole', 'log\n  {\n    "a": 1\n  }\n', { json: '{"a":1}' }],
    ['a JSON string is a JSON value', 'log\n"done"\n', { json: '"done"' }],
    ['a number is a JSON value', 'log\n42\n', { json: '42' }],
    ['text after the JSON', '{"a":1}\nall done\n', { note: 'the last output on stdout is not JSON: all done' }],
    ['plain text', 'Hello world', { note: 'the last output on stdout is not JSON: Hello world' }],
    ['a broken object', 'log\n{"a": 1,\n', { note: 'the last output on stdout is not JSON: {"a": 1,' }],
    ['an unclosed pretty object', '{\n  "a": 1\n', { note: 'the last output on stdout is not JSON: "a": 1' }],
    ['a stray closing brace', 'log\n}\n', { note: 'the last output on stdout is not JSON: }' }],
    ['a long non-JSON line is quoted up to 80 characters', 'y'.repeat(200), { note: `the last output on stdout is not JSON: ${'y'.repeat(80)}` }],
  ])('%s', (_name, stdout, expected) => {
    expect(lastJsonValue(stdout)).toEqual(expected);
  });

  it('re-serialises the value (compact, same content)', () => {
    const value = { text: 'é ✓ "quoted"', list: [1, 2.5, null, true], nested: { deep: { er: [] } } };
    expect(lastJsonValue(`${pretty(value)}\n`)).toEqual({ json: JSON.stringify(value) });
  });

  // "Fast" is counted, not timed: each parse attempt reads to the end of the output, so what keeps
  // the work linear is a bounded number of them (a stopwatch would also measure the machine's load).
  const parsesOf = (stdout: string) => {
    const parse = vi.spyOn(JSON, 'parse');
    try {
      return { result: lastJsonValue(stdout), parses: parse.mock.calls.length };
    } finally {
      parse.mockRestore();
    }
  };

  it('stays fast on a long output full of lines that look like JSON starts', () => {
    const noise = Array.from({ length: 50_000 }, (_, i) => `{ line ${i}`).join('\n');
    const { result, parses } = parsesOf(`${noise}\n}\n`);
    expect(result).toEqual({ note: 'the last output on stdout is not JSON: }' });
    // The last line, then at most MAX_ATTEMPTS of the 50,000 candidate starts.
    expect(parses).toBeLessThanOrEqual(1 + MAX_ATTEMPTS);
  });

  it('finds a large pretty-printed array of objects', () => {
    const value = Array.from({ length: 5000 }, (_, i) => ({ id: i, tags: [{ t: 'x' }] }));
    const { result, parses } = parsesOf(`log\n${pretty(value)}\n`);
    expect(result).toEqual({ json: JSON.stringify(value) });
    // The last line, then the opening line: none of the 5,000 nested objects is tried as a start.
    expect(parses).toBeLessThanOrEqual(2);
  });
});
