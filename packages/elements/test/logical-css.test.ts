import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postcss, { type Declaration } from 'postcss';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Right-to-left support rests on the styles saying start/end, not left/right: with `dir="rtl"` on
 * an ancestor, logical properties mirror by themselves. This scans every style sheet of the
 * elements and of the settings form's theme and fails on a physical left/right that came back.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const sources = [path.join(root, 'packages/elements/src'), path.join(root, 'packages/forms/src')];

/** Box shorthands whose 4-value form names top, right, bottom, left. */
const boxShorthands = new Set(['margin', 'padding', 'inset', 'border-width', 'border-style', 'border-color', 'scroll-margin', 'scroll-padding']);

/** Splits a CSS value on top-level whitespace (not inside `var(...)`, `calc(...)`). */
function words(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of value.trim()) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (/\s/.test(ch) && depth === 0) {
      if (current) out.push(current);
      current = '';
    } else current += ch;
  }
  if (current) out.push(current);
  return out;
}

/** What is physical about one declaration, or undefined. */
export function physical(decl: Pick<Declaration, 'prop' | 'value'>): string | undefined {
  const prop = decl.prop.toLowerCase();
  if (prop.startsWith('--')) return undefined;
  if (/(^|-)(left|right)(-|$)/.test(prop)) return `${prop} is physical (use its inline-start/end form)`;
  // Custom property names (`--pan-run-log-bright-red`) are not directions.
  const value = decl.value.replace(/--[\w-]+/g, '');
  if (/\b(left|right)\b/i.test(value)) return `${prop}: ${decl.value} names a physical side (use start/end)`;
  if (/translateX\(|translate3d\(|\btranslate\(/.test(value) || (prop === 'translate' && words(value)[0] !== '0')) {
    return `${prop}: ${decl.value} moves along the physical x axis (mirror it under :dir(rtl))`;
  }
  const parts = words(value);
  if (boxShorthands.has(prop) && parts.length === 4 && parts[1] !== parts[3]) {
    return `${prop}: ${decl.value} differs between right and left (use ${prop}-block / ${prop}-inline)`;
  }
  if (prop === 'border-radius') {
    for (const half of value.split('/')) {
      const [tl, tr = tl, br = tl, bl = tr] = words(half);
      if (tl !== tr || br !== bl) return `border-radius: ${decl.value} differs between left and right corners (use border-start-start-radius...)`;
    }
  }
  return undefined;
}

/** The CSS text of every `css\`...\`` template (and `...Css = \`...\`` string) in a source file, substitutions blanked. */
function styleTemplates(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const text = (node: ts.TemplateLiteral) =>
    ts.isNoSubstitutionTemplateLiteral(node)
      ? node.text
      : // A substitution is a block of declarations or a nested sheet: a comment keeps the CSS parseable.
        [node.head.text, ...node.templateSpans.map((span) => `/*\${}*/${span.literal.text}`)].join('');
  const visit = (node: ts.Node) => {
    if (ts.isTaggedTemplateExpression(node) && node.tag.getText(source) === 'css') found.push(text(node.template));
    else if (ts.isVariableDeclaration(node) && /Css$/.test(node.name.getText(source)) && node.initializer && ts.isTemplateLiteral(node.initializer)) {
      found.push(text(node.initializer));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f))
    .map((f) => path.join(dir, f));
}

describe('the elements’ styles are written in logical properties', () => {
  it('have no physical left/right outside :dir(rtl) rules', () => {
    const problems: string[] = [];
    const scanned = new Set<string>();
    let declarations = 0;
    for (const file of sources.flatMap(sourceFiles)) {
      const relative = path.relative(root, file);
      for (const cssText of styleTemplates(file)) {
        scanned.add(relative);
        postcss.parse(cssText).walkDecls((decl) => {
          declarations++;
          // The mirrored versions live in :dir(rtl) rules: physical there by design.
          const rule = decl.parent;
          if (rule?.type === 'rule' && /:dir\(/.test((rule as postcss.Rule).selector)) return;
          const problem = physical(decl);
          if (problem) problems.push(`${relative}: ${problem}`);
        });
      }
    }
    // The scan found the style sheets (a change in how they are written would otherwise pass it).
    const styleFiles = sourceFiles(sources[0]!).filter((f) => f.endsWith('.styles.ts')).map((f) => path.relative(root, f));
    expect([...scanned]).toEqual(expect.arrayContaining([...styleFiles, 'packages/forms/src/styles.ts']));
    expect(declarations).toBeGreaterThan(500);
    expect(problems).toEqual([]);
  });

  it('the check recognises physical declarations and lets logical ones through', () => {
    const flagged = (css: string) => {
      const out: string[] = [];
      postcss.parse(css).walkDecls((d) => void (physical(d) && out.push(d.prop)));
      return out;
    };
    expect(
      flagged(`a { margin-left: 1px; right: 0; text-align: left; float: right; padding: 0 1px 0 2px; border-radius: 1px 0 0 1px;
        border-right: 1px solid; transform: translateX(4px); inset: 0 auto auto 0; border-top-left-radius: 2px }`),
    ).toEqual(['margin-left', 'right', 'text-align', 'float', 'padding', 'border-radius', 'border-right', 'transform', 'inset', 'border-top-left-radius']);
    expect(
      flagged(`a { margin-inline-start: 1px; inset-inline-end: 0; text-align: start; float: inline-start; padding: 0 1px 0 1px;
        padding: 1px 2px; border-radius: 4px; border-start-start-radius: 2px; transform: translateY(-50%) rotate(1turn);
        inset: 0; color: var(--pan-run-log-bright-red); --x-left: 1px }`),
    ).toEqual([]);
  });
});
