import { isMap, LineCounter, parseDocument, visit } from 'yaml';
import { DiagnosticCollector, sortByPosition } from './diagnostics.ts';
import { LAYOUT_ELEMENT_TYPES, type PandiumSpec, type ParseResult } from './types.ts';
import { validateDocument } from './validate-document.ts';
import { describeNode, YamlReader } from './yaml-nodes.ts';

/** Parses and validates a PANDIUM.yaml. Never throws; every problem comes back as a diagnostic. */
export function parsePandiumYaml(text: string): ParseResult {
  const lineCounter = new LineCounter();
  // uniqueKeys: a repeated key silently dropping the first value is never what the author meant.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const report = new DiagnosticCollector(lineCounter);
  for (const warning of doc.warnings) report.warn(warning.pos[0], '', warning.message);
  // Validating a tree the parser only half understood would mostly report noise.
  if (doc.errors.length > 0) {
    for (const error of doc.errors) report.error(error.pos[0], '', error.message);
    return finish(report);
  }

  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc) === undefined) report.error(alias, '', `unknown alias \`*${alias.source}\``);
    },
  });
  if (report.errors.length > 0) return finish(report);

  const reader = new YamlReader(doc, report);
  const root = reader.resolve(doc.contents);
  if (root === null) {
    report.error(null, '', 'the file is empty; PANDIUM.yaml needs at least a `run` command');
    return finish(report);
  }
  if (!isMap(root)) {
    report.error(root, '', `PANDIUM.yaml must be a mapping of keys such as \`run\` and \`configs\`, got ${describeNode(root)}`);
    return finish(report);
  }

  const version = validateDocument(reader, root);
  if (report.errors.length > 0) return finish(report);
  return finish(report, normalise(doc.toJS() as Record<string, unknown>, version));
}

function finish(report: DiagnosticCollector, spec?: PandiumSpec): ParseResult {
  const result: ParseResult = {
    ok: report.errors.length === 0,
    errors: sortByPosition(report.errors),
    warnings: sortByPosition(report.warnings),
  };
  if (spec !== undefined && result.ok) result.spec = spec;
  return result;
}

/** Turns the validated plain data into the documented shape, so consumers need no fallbacks. */
function normalise(data: Record<string, unknown>, version: string | undefined): PandiumSpec {
  // Empty optional sections were tolerated with a warning; drop them rather than hand out nulls.
  for (const [key, value] of Object.entries(data)) if (value === null) delete data[key];
  if (version !== undefined) data.version = version;
  const configs = data.configs as { uischema?: Record<string, unknown> } | undefined;
  if (configs?.uischema) {
    configs.uischema.type ??= 'VerticalLayout';
    fillLayoutElements(configs.uischema);
  }
  return data as unknown as PandiumSpec;
}

function fillLayoutElements(element: Record<string, unknown>): void {
  if (typeof element.type !== 'string' || !(LAYOUT_ELEMENT_TYPES as readonly string[]).includes(element.type)) return;
  element.elements ??= [];
  for (const child of element.elements as Record<string, unknown>[]) fillLayoutElements(child);
}
