import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';

export interface LocatedValue {
  value: string;
  /** 1-based, as in diagnostics. */
  line: number;
  col: number;
}

/**
 * The string items of a top-level list (e.g. `connectors:`) with their positions, so a check made
 * after parsing (is this connector defined?) can still name the line. Non-strings are skipped.
 */
export function locateTopLevelList(text: string, key: string): LocatedValue[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (!isMap(doc.contents)) return [];
  const list = doc.contents.get(key, true);
  if (!isSeq(list)) return [];
  return list.items.flatMap((item) => {
    if (!isScalar(item) || typeof item.value !== 'string') return [];
    const { line, col } = lineCounter.linePos(item.range?.[0] ?? 0);
    return [{ value: item.value, line, col }];
  });
}
