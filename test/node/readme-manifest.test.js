// The README's reference tables must agree with custom-elements.json, which the build generates
// from the element's JSDoc: a name documented in one place and not the other fails here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const root = new URL('../../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');
const manifest = JSON.parse(readFileSync(new URL('custom-elements.json', root), 'utf8'));
const element = manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d.tagName === 'mfa-otp-flow');

/** The backticked names in the first column of the table under `heading`. */
function firstColumn(heading) {
  const start = readme.indexOf(`\n${heading}\n`);
  assert.notEqual(start, -1, `README has no "${heading}" section`);
  const lines = readme.slice(start).split('\n').slice(2);
  const rows = lines.slice(lines.findIndex((l) => l.startsWith('|'))).filter((l, i, all) => all.slice(0, i + 1).every((x) => x.startsWith('|')));
  return rows
    .slice(2) // header and separator
    .flatMap((row) => [...row.split('|')[1].matchAll(/`([^`]+)`/g)].map((m) => m[1].replace(/\(.*\)$/, '')))
    .sort();
}
const names = (list) => (list ?? []).map((x) => x.name).sort();

test('the manifest describes <mfa-otp-flow>', () => {
  assert.ok(element, 'no declaration with tagName mfa-otp-flow');
});

test('attributes: README table = manifest', () => {
  assert.deepEqual(firstColumn('### Attributes and properties'), names(element.attributes));
});

test('events: README table = manifest', () => {
  assert.deepEqual(firstColumn('### Events'), names(element.events));
});

test('parts: README table = manifest', () => {
  assert.deepEqual(firstColumn('### Parts'), names(element.cssParts));
});

test('CSS custom properties: README table = manifest', () => {
  assert.deepEqual(firstColumn('### CSS custom properties'), names(element.cssProperties));
});

test('methods: README table = public methods in the manifest', () => {
  // Every public method is documented: the element exposes nothing internal.
  const methods = element.members.filter((m) => m.kind === 'method' && !m.static && !m.privacy);
  assert.deepEqual(firstColumn('### Methods'), names(methods));
});
