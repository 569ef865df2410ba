/**
 * A plugin for `@custom-elements-manifest/analyzer`. Our tags are registered by
 * `PanMarketplace.define('pan-marketplace')` in `pan-*.ts` (see PanElement.define), which the
 * analyzer does not recognise: this records the tag on the class, exports the definition, and keeps
 * only the public API in each element's entry (no private/protected/static members, nothing
 * inherited from the base classes, no attribute of an internal state).
 */
export function panElementsPlugin() {
  /** class name → tag */
  const tags = new Map();
  /** The `custom-element-definition` exports added, whose module is only known once all are read. */
  const definitions = [];
  return {
    name: 'pan-elements',
    // The config module (and this plugin) is loaded once per process; each run starts afresh.
    initialize() {
      tags.clear();
      definitions.length = 0;
    },
    analyzePhase({ ts, node, moduleDoc }) {
      if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return;
      const { expression: target, name } = node.expression;
      const [tagArg] = node.arguments;
      if (name.text !== 'define' || !ts.isIdentifier(target) || node.arguments.length !== 1 || !ts.isStringLiteral(tagArg)) return;
      tags.set(target.text, tagArg.text);
      const definition = { kind: 'custom-element-definition', name: tagArg.text, declaration: { name: target.text } };
      definitions.push(definition);
      moduleDoc.exports = [...(moduleDoc.exports ?? []), definition];
    },
    packageLinkPhase({ customElementsManifest }) {
      const moduleOf = new Map();
      for (const mod of customElementsManifest.modules) {
        for (const decl of mod.declarations ?? []) {
          if (decl.kind !== 'class') continue;
          moduleOf.set(decl.name, mod.path);
          const tag = tags.get(decl.name);
          if (!tag) continue;
          decl.tagName = tag;
          decl.customElement = true;
          decl.members = (decl.members ?? []).filter(
            (m) => !m.static && !m.inheritedFrom && m.privacy !== 'private' && m.privacy !== 'protected' && !m.name.startsWith('#'),
          );
          const fields = new Set(decl.members.map((m) => m.name));
          decl.attributes = (decl.attributes ?? []).filter((a) => !a.inheritedFrom && (!a.fieldName || fields.has(a.fieldName)));
          if (decl.attributes.length === 0) delete decl.attributes;
        }
      }
      for (const definition of definitions) definition.declaration.module = moduleOf.get(definition.declaration.name);
      // The base class is there for the analyzer's inheritance phase, not as an element of its own.
      customElementsManifest.modules = customElementsManifest.modules.filter((m) => m.path !== 'src/internal/pan-element.ts');
    },
  };
}
