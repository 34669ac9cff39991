// Custom Elements Manifest analyzer plugins that turn the analysis of src/ into a manifest of the
// *package*: what a consumer installs, not what the repository holds. Everything is read from the
// source and the built declarations; no attribute, event or type name is written here.
import { readFileSync } from 'node:fs';
import ts from 'typescript';

/** The schema version the manifest follows (the analyzer still writes 1.0.0). */
export const SCHEMA_VERSION = '2.1.0';

/**
 * Getters without a setter are read-only properties (`state`, `sessionId`, `error`): the analyzer
 * lists them as plain fields, which framework typings would then offer as inputs.
 */
export function readonlyAccessors() {
  const readonly = new Map();
  return {
    name: 'mfa-readonly-accessors',
    analyzePhase({ node }) {
      if (!ts.isClassDeclaration(node) || !node.name) return;
      const getters = new Set();
      const setters = new Set();
      for (const member of node.members) {
        if (!member.name || !ts.isIdentifier(member.name)) continue;
        if (ts.isGetAccessorDeclaration(member)) getters.add(member.name.text);
        if (ts.isSetAccessorDeclaration(member)) setters.add(member.name.text);
      }
      readonly.set(node.name.text, [...getters].filter((g) => !setters.has(g)));
    },
    packageLinkPhase({ customElementsManifest }) {
      for (const declaration of classes(customElementsManifest)) {
        const names = new Set(readonly.get(declaration.name) ?? []);
        for (const member of declaration.members ?? []) {
          if (names.has(member.name)) member.readonly = true;
        }
      }
    },
  };
}

/**
 * Rewrites the manifest for the published package:
 * - the class module is the package entry (`entry`, an unhashed file that exports the class and,
 *   through its declarations, every public type); its exports list those types, so a tool that
 *   reads `CustomEvent<MfaVerifiedDetail>` knows where to import `MfaVerifiedDetail` from;
 * - `define` gets the `custom-element-definition` export (src/define.ts guards
 *   `customElements.define(TAG, …)` with a const tag, which the analyzer cannot follow);
 * - private members go, and with them the attributes of lit's internal `state: true` fields;
 * - an attribute with no `fieldName` (one backed by a getter, such as the reflected `state`) is
 *   joined to the member of the same camelCase name.
 */
export function packageManifest({ entry, entryTypes, define }) {
  return {
    name: 'mfa-package-manifest',
    packageLinkPhase({ customElementsManifest: manifest }) {
      manifest.schemaVersion = SCHEMA_VERSION;
      const exported = exportedNames(entryTypes);
      const unions = literalUnions(entryTypes);
      const elements = [];
      for (const module of manifest.modules) {
        const declarations = (module.declarations ?? []).filter((d) => d.customElement);
        if (!declarations.length) continue;
        module.path = entry;
        for (const declaration of declarations) {
          cleanDeclaration(declaration);
          for (const item of [...declaration.members, ...declaration.attributes]) expandUnions(item, unions);
          elements.push(declaration);
        }
        const names = new Set((module.exports ?? []).map((e) => e.name));
        for (const e of module.exports ?? []) if (e.declaration) e.declaration.module = entry;
        for (const name of exported) {
          if (names.has(name)) continue;
          (module.exports ??= []).push({ kind: 'js', name, declaration: { name, module: entry } });
        }
      }
      manifest.modules.push({
        kind: 'javascript-module',
        path: define,
        description: 'Registers the element (guarded: a second import does not throw).',
        declarations: [],
        exports: elements.flatMap((el) => [
          { kind: 'js', name: el.name, declaration: { name: el.name, module: entry } },
          { kind: 'custom-element-definition', name: el.tagName, declaration: { name: el.name, module: entry } },
        ]),
      });
    },
  };
}

function cleanDeclaration(declaration) {
  const isPrivate = (m) => m.privacy === 'private' || m.name.startsWith('#');
  const hidden = new Set((declaration.members ?? []).filter(isPrivate).map((m) => m.name));
  declaration.members = (declaration.members ?? []).filter((m) => !isPrivate(m));
  declaration.attributes = (declaration.attributes ?? []).filter((a) => !hidden.has(a.fieldName));
  for (const member of declaration.members) {
    if (member.kind === 'field' && !member.privacy) member.privacy = 'public';
  }
  for (const attribute of declaration.attributes) {
    if (attribute.fieldName) continue;
    const camel = attribute.name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    const member = declaration.members.find((m) => m.kind === 'field' && m.name === camel);
    if (!member) continue;
    attribute.fieldName = member.name;
    member.attribute ??= attribute.name;
    // A reflected getter's attribute holds the getter's values (`state`: the flow's statuses).
    if (member.type && (!attribute.type || attribute.type.text === 'string')) attribute.type = { ...member.type };
  }
}

/**
 * `parsedType`: the member's type with the package's union aliases written out
 * (`IdentifierType` → `'MOBILE' | 'EMAIL' | 'USERNAME' | 'EXTERNALID'`), so that editors offer the
 * values and documentation shows them. Set only where it differs from `type`.
 */
function expandUnions(item, unions) {
  const text = item.type?.text;
  if (!text) return;
  const expanded = text.replace(/\b[A-Za-z_$][\w$]*\b/g, (name) => unions.get(name) ?? name);
  if (expanded !== text) item.parsedType = { text: expanded };
}

/** The package entry's exported type aliases that are unions of literals (and primitives). */
function literalUnions(dts) {
  const { checker, exports } = entryProgram(dts);
  const unions = new Map();
  for (const symbol of exports) {
    if (!(symbol.flags & ts.SymbolFlags.TypeAlias) && !(symbol.flags & ts.SymbolFlags.Alias)) continue;
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    if (!(target.flags & ts.SymbolFlags.TypeAlias)) continue;
    const type = checker.getDeclaredTypeOfSymbol(target);
    if (!type.isUnion()) continue;
    const simple = ts.TypeFlags.Literal | ts.TypeFlags.String | ts.TypeFlags.Number | ts.TypeFlags.Boolean;
    if (!type.types.every((t) => t.flags & simple)) continue;
    const texts = type.types.map((t) => (t.isStringLiteral() ? `'${t.value}'` : checker.typeToString(t)));
    unions.set(symbol.name, [...new Set(texts)].join(' | ').replace("false | true", 'boolean'));
  }
  return unions;
}

function entryProgram(dts) {
  const program = ts.createProgram([dts], { noEmit: true, skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(dts);
  if (!file) throw new Error(`${dts} not found: run tsc before the analyzer`);
  const symbol = checker.getSymbolAtLocation(file);
  return { checker, exports: symbol ? checker.getExportsOfModule(symbol) : [] };
}

/** Every name the package entry exports (values and types), read from its built declarations. */
export function exportedNames(dts) {
  return entryProgram(dts).exports.map((s) => s.name).sort();
}

function classes(manifest) {
  return manifest.modules.flatMap((m) => m.declarations ?? []).filter((d) => d.kind === 'class');
}

export const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
