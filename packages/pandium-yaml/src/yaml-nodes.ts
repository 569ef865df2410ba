import { isAlias, isMap, isScalar, isSeq, type Document, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import type { DiagnosticCollector, Location } from './diagnostics.ts';

/** A node after alias resolution. */
export type YamlNode = Scalar | YAMLMap | YAMLSeq;

/** One `key: value` of a mapping, ready for validation. */
export interface MapEntry {
  key: string;
  keyNode: Location;
  /** `null` when the value is missing or an explicit YAML null (`key:` with nothing after it). */
  value: YamlNode | null;
  /** Where a complaint about the value should point: the value, or the key when there is no value. */
  at: Location;
  path: string;
}

/** One item of a sequence, ready for validation. */
export interface ListItem {
  index: number;
  value: YamlNode | null;
  at: Location;
  path: string;
}

export function joinPath(parent: string, key: string | number): string {
  return parent === '' ? String(key) : `${parent}.${key}`;
}

/** A short description of what a node is, for "must be X, got Y" messages. */
export function describeNode(node: YamlNode | null): string {
  if (node === null) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  switch (typeof node.value) {
    case 'string':
      return `\`${node.value}\``;
    case 'number':
    case 'bigint':
      return `the number ${String(node.value)}`;
    case 'boolean':
      return `\`${String(node.value)}\``;
    default:
      return 'a value of an unexpected kind';
  }
}

function withArticle(noun: string): string {
  return /^[aeiou]/i.test(noun) ? `an ${noun}` : `a ${noun}`;
}

export function isNullNode(node: unknown): boolean {
  return isScalar(node) && node.value === null;
}

export function scalarValue(node: YamlNode | null): unknown {
  return node !== null && isScalar(node) ? node.value : undefined;
}

/**
 * Reads the YAML tree with positions. Every `expect*` helper reports a wrong kind of value as an
 * error and returns `undefined`, so callers simply skip what they cannot check further.
 */
export class YamlReader {
  constructor(
    private readonly doc: Document,
    readonly report: DiagnosticCollector,
  ) {}

  /** The plain data of a node, aliases resolved. */
  toJS(node: YamlNode): unknown {
    return node.toJS(this.doc);
  }

  /** Follows aliases; `null` for missing values and explicit YAML nulls. */
  resolve(node: unknown): YamlNode | null {
    const target = isAlias(node) ? node.resolve(this.doc) : node;
    if (target === undefined || target === null || isNullNode(target)) return null;
    if (isScalar(target) || isMap(target) || isSeq(target)) return target;
    return null;
  }

  entries(map: YAMLMap, path: string): MapEntry[] {
    const entries: MapEntry[] = [];
    for (const pair of map.items) {
      const keyNode = pair.key as Location;
      if (!isScalar(pair.key) || pair.key.value === null || typeof pair.key.value === 'object') {
        this.report.error(keyNode ?? map, path, 'keys must be plain names');
        continue;
      }
      const key = String(pair.key.value);
      const value = this.resolve(pair.value);
      entries.push({ key, keyNode, value, at: value ?? keyNode, path: joinPath(path, key) });
    }
    return entries;
  }

  items(seq: YAMLSeq, path: string): ListItem[] {
    return seq.items.map((item, index) => {
      const value = this.resolve(item);
      return { index, value, at: value ?? (item as Location) ?? seq, path: joinPath(path, index) };
    });
  }

  expectMap(entry: MapEntry, expected = 'a mapping'): YAMLMap | undefined {
    if (entry.value !== null && isMap(entry.value)) return entry.value;
    this.mismatch(entry, expected);
    return undefined;
  }

  expectList(entry: MapEntry, expected = 'a list'): YAMLSeq | undefined {
    if (entry.value !== null && isSeq(entry.value)) return entry.value;
    this.mismatch(entry, expected);
    return undefined;
  }

  expectString(entry: MapEntry, expected = 'text'): string | undefined {
    const value = scalarValue(entry.value);
    if (typeof value === 'string') return value;
    this.mismatch(entry, expected);
    return undefined;
  }

  expectBoolean(entry: MapEntry): boolean | undefined {
    const value = scalarValue(entry.value);
    if (typeof value === 'boolean') return value;
    this.mismatch(entry, '`true` or `false`');
    return undefined;
  }

  expectNumber(entry: MapEntry): number | undefined {
    const value = scalarValue(entry.value);
    if (typeof value === 'number') return value;
    this.mismatch(entry, 'a number');
    return undefined;
  }

  /** A list whose items are all non-empty strings; returns the items that are. */
  expectStringList(entry: MapEntry, itemName: string): { value: string; item: ListItem }[] | undefined {
    const seq = this.expectList(entry, `a list of ${itemName}s`);
    if (seq === undefined) return undefined;
    const strings: { value: string; item: ListItem }[] = [];
    for (const item of this.items(seq, entry.path)) {
      const value = scalarValue(item.value);
      if (typeof value === 'string' && value !== '') strings.push({ value, item });
      else this.report.error(item.at, item.path, `each item of \`${entry.key}\` must be ${withArticle(itemName)}, got ${describeNode(item.value)}`);
    }
    return strings;
  }

  mismatch(entry: MapEntry, expected: string): void {
    this.report.error(entry.at, entry.path, `\`${entry.key}\` must be ${expected}, got ${describeNode(entry.value)}`);
  }
}
