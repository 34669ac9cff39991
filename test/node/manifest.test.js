// custom-elements.json and the editor data generated from it, as the tools that read them need
// them. Assumes `npm run build` ran (`npm test` runs it first). No attribute, event or part is named
// here: the checks hold for whatever the class's JSDoc declares.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { validateCem } from '@wc-toolkit/cem-validator';
import { exportedNames, SCHEMA_VERSION } from '../../scripts/manifest-plugins.js';

const root = new URL('../../', import.meta.url);
const read = (path) => readFileSync(new URL(path, root), 'utf8');
const json = (path) => JSON.parse(read(path));
const pkg = json('package.json');
const manifest = json(pkg.customElements);
const modules = manifest.modules;
const elements = modules.flatMap((m) => (m.declarations ?? []).filter((d) => d.customElement).map((d) => ({ module: m, d })));
const [{ module: elementModule, d: element }] = elements;

test('@wc-toolkit/cem-validator passes with every rule raised to an error', async () => {
  const rule = 'error';
  const cwd = process.cwd();
  process.chdir(new URL('.', root).pathname); // it reads ./package.json
  try {
    await validateCem(structuredClone(manifest), {
      rules: {
        packageJson: { packageType: rule, main: rule, module: rule, types: rule, exports: rule, customElementsProperty: rule, publishedCem: rule },
        manifest: { schemaVersion: rule, modulePath: rule, definitionPath: rule, typeDefinitionPath: rule, exportTypes: rule, tagName: rule },
      },
    });
  } finally {
    process.chdir(cwd);
  }
  assert.equal(manifest.schemaVersion, SCHEMA_VERSION);
});

test('every module path is a file the package ships, not a source file', () => {
  for (const m of modules) {
    assert.ok(!m.path.startsWith('src/') && !m.path.endsWith('.ts'), m.path);
    assert.ok(existsSync(new URL(m.path, root)), `${m.path} does not exist`);
    assert.ok(pkg.files.some((f) => m.path.startsWith(f)), `${m.path} is not in "files"`);
  }
});

test('the tag is defined by a custom-element-definition export of the module that defines it', async () => {
  const definitions = modules.flatMap((m) => (m.exports ?? []).filter((e) => e.kind === 'custom-element-definition').map((e) => ({ m, e })));
  assert.deepEqual(definitions.map(({ e }) => e.name), elements.map(({ d }) => d.tagName));
  for (const { m, e } of definitions) {
    assert.equal(e.declaration.module, elementModule.path);
    assert.equal(e.declaration.name, element.name);
    // …and that module really defines it: the source of the definition is read, not trusted.
    assert.match(read(m.path), /customElements\.define\(/, `${m.path} does not call customElements.define`);
  }
});

test('the class module exports every type its members and events name, as the package entry does', () => {
  const exported = new Set((elementModule.exports ?? []).map((e) => e.name));
  const fromEntry = exportedNames(pkg.exports['.'].types.replace(/^\.\//, ''));
  assert.deepEqual([...exported].sort(), [...fromEntry].sort());
  for (const event of element.events ?? []) {
    const detail = /^CustomEvent<(\w+)>$/.exec(event.type?.text ?? '')?.[1];
    assert.ok(detail, `${event.name}: type ${event.type?.text} is not CustomEvent<ExportedDetail>`);
    assert.ok(exported.has(detail), `${event.name}: ${detail} is not exported`);
  }
});

test('every attribute names its field; no private member; read-only getters are marked', () => {
  const members = new Map(element.members.map((m) => [m.name, m]));
  for (const a of element.attributes) {
    assert.ok(a.fieldName, `attribute ${a.name} has no fieldName`);
    assert.ok(members.has(a.fieldName), `attribute ${a.name}: no member ${a.fieldName}`);
  }
  for (const m of element.members) {
    assert.ok(m.privacy !== 'private' && !m.name.startsWith('#'), `private member ${m.name} in the manifest`);
  }
  assert.equal(members.get('state')?.readonly, true, 'state is read-only');
});

test('union aliases are written out: identifier-type lists its values', () => {
  const attribute = element.attributes.find((a) => a.name === 'identifier-type');
  assert.equal(attribute.parsedType?.text, "'MOBILE' | 'EMAIL' | 'USERNAME' | 'EXTERNALID'");
});

test('every CSS custom property has a default, the one the styles fall back to', () => {
  const styles = read('src/element/styles.ts');
  for (const p of element.cssProperties) {
    assert.ok(p.default, `${p.name} has no default`);
    assert.equal(fallbackOf(styles, p.name), p.default, `${p.name}: JSDoc default differs from styles.ts`);
  }
});

/** The fallback of the first `var(--name, fallback)` in the styles, parentheses balanced. */
function fallbackOf(css, name) {
  const start = css.indexOf(`var(${name},`);
  if (start === -1) return null;
  let depth = 1;
  let i = start + `var(${name},`.length;
  const from = i;
  for (; i < css.length && depth; i++) {
    if (css[i] === '(') depth++;
    else if (css[i] === ')') depth--;
  }
  return css.slice(from, i - 1).trim();
}

test('VS Code custom data: the tag with every attribute (union values offered) and every CSS property', () => {
  const html = json('dist/vscode.html-custom-data.json');
  const tag = html.tags.find((t) => t.name === element.tagName);
  assert.ok(tag, 'tag missing');
  assert.deepEqual(tag.attributes.map((a) => a.name).sort(), element.attributes.map((a) => a.name).sort());
  const values = tag.attributes.find((a) => a.name === 'identifier-type').values.map((v) => v.name);
  assert.deepEqual(values, ['MOBILE', 'EMAIL', 'USERNAME', 'EXTERNALID']);
  const css = json('dist/vscode.css-custom-data.json');
  assert.deepEqual(css.properties.map((p) => p.name).sort(), element.cssProperties.map((p) => p.name).sort());
});

test('JetBrains web-types: the element with its attributes, properties and events; package.json points at it', () => {
  assert.equal(pkg['web-types'], './dist/web-types.json');
  const webTypes = json(pkg['web-types']);
  assert.equal(webTypes.name, pkg.name);
  const el = webTypes.contributions.html.elements.find((e) => e.name === element.tagName);
  assert.ok(el, 'element missing');
  assert.deepEqual(el.attributes.map((a) => a.name).sort(), element.attributes.map((a) => a.name).sort());
  assert.deepEqual(el.js.events.map((e) => e.name).sort(), element.events.map((e) => e.name).sort());
  const props = el.js.properties.map((p) => p.name);
  for (const m of element.members.filter((m) => m.kind === 'field')) assert.ok(props.includes(m.name), `property ${m.name} missing`);
});

test('the JSX and Vue typings name every writable member and every event of the manifest', () => {
  const jsx = read('dist/jsx.d.ts');
  const vue = read('dist/vue.d.ts');
  const camel = (s) => s.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
  for (const a of element.attributes.filter((a) => !element.members.find((m) => m.name === a.fieldName)?.readonly)) {
    assert.ok(jsx.includes(`${JSON.stringify(a.name)}?:`) || jsx.includes(`  ${a.name}?:`), `jsx: attribute ${a.name}`);
  }
  for (const e of element.events) {
    assert.ok(jsx.includes(`"on${e.name}"?: (event: ${e.type.text}) => void;`), `jsx: on${e.name}`);
    const handler = 'on' + camel(e.name).replace(/^./, (c) => c.toUpperCase());
    assert.ok(vue.includes(`${handler}?: (event: ${e.type.text}) => void;`), `vue: ${handler}`);
  }
  for (const m of ['react', 'preact', 'solid-js']) assert.ok(jsx.includes(`declare module '${m}'`), `jsx: ${m}`);
  assert.match(vue, /declare module 'vue' \{\s+interface GlobalComponents/);
});
