// Every relative link in README.md and docs/*.md resolves to a file (or folder) in the repository,
// and a `#anchor` to a heading of the Markdown file it points at (GitHub's slugs). External links
// (a scheme or `//`) are not followed: the tests run offline.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const docs = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** Markdown without fenced code blocks and inline code, where brackets are not links. */
const prose = (md) => md.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '``');

/** The targets of inline links and images, `[text](target)` / `![alt](target "title")`, and of reference definitions. */
export function linkTargets(md) {
  const text = prose(md);
  const inline = [...text.matchAll(/!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^\s)>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
  const defined = [...text.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s.*)?$/gm)].map((m) => m[1]);
  return [...inline, ...defined];
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function anchors(md) {
  const seen = new Map();
  const out = new Set();
  for (const [, heading] of md.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const plain = heading
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // a link in a heading keeps its text
      .replace(/<[^>]+>/g, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(plain) ?? 0;
    seen.set(plain, n + 1);
    out.add(n ? `${plain}-${n}` : plain);
  }
  return out;
}

const isExternal = (target) => /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');

test('the documents the links are checked in exist', () => {
  assert.ok(docs.includes('README.md'));
  assert.ok(docs.length > 1, 'no docs/*.md found');
});

for (const doc of docs) {
  test(`relative links in ${doc} resolve`, () => {
    const md = readFileSync(join(root, doc), 'utf8');
    const broken = [];
    for (const target of linkTargets(md)) {
      if (isExternal(target)) continue;
      const [rawPath, anchor] = target.split('#');
      const path = decodeURIComponent(rawPath);
      const file = path ? resolve(dirname(join(root, doc)), path) : join(root, doc);
      if (relative(root, file).startsWith('..')) {
        broken.push(`${target} (outside the repository)`);
        continue;
      }
      if (!existsSync(file)) {
        broken.push(`${target} (no such file)`);
        continue;
      }
      if (anchor && file.endsWith('.md') && !anchors(readFileSync(file, 'utf8')).has(decodeURIComponent(anchor).toLowerCase())) {
        broken.push(`${target} (no heading with that anchor)`);
      }
    }
    assert.deepEqual(broken, [], `${doc} has broken links`);
  });
}

test('the link and anchor readers find what they should', () => {
  const md = 'See [a](docs/a.md#x-y), ![img](b.png "t"), `[not](code.md)`\n[ref]: c.md\n\n```\n[no](d.md)\n```\n';
  assert.deepEqual(linkTargets(md), ['docs/a.md#x-y', 'b.png', 'c.md']);
  const heads = anchors('# Hello, World!\n## `code` and (parens)\n## Hello, World!\n#### API status codes ([x](y.json), `Z`)\n');
  assert.deepEqual([...heads], ['hello-world', 'code-and-parens', 'hello-world-1', 'api-status-codes-x-z']);
});
