// Build plugins for the self-contained dist/mfa-otp-flow.js and its chunks, where every byte is paid
// by a page that may never log anyone in (budgets: docs/performance.md).
//
// - minifyLiterals(): lit's css`` and html`` template literals are strings to a minifier, so their
//   indentation would ship as is. CSS goes through lightningcss; in HTML, runs of whitespace that hold
//   a line break become one space, or nothing between a tag's `>` and the next `<`.
import { transform as transformCss } from 'lightningcss';
import MagicString from 'magic-string';
import { parseAst } from 'vite';

const SOURCE = /\/src\/.*\.[jt]s$/;

/** Collapses the whitespace of one static part of an html`` template (see above). */
export function collapseHtml(text) {
  return text.replace(/\s*\n\s*/g, (run, offset) => {
    const before = text[offset - 1];
    const after = text[offset + run.length];
    return before === '>' && after === '<' ? '' : ' ';
  });
}

/** Minifies the text of a css`` template without interpolations. */
export function minifyCssText(text, filename) {
  const { code } = transformCss({ filename, code: Buffer.from(text), minify: true });
  return code.toString();
}

function* taggedTemplates(node) {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const child of node) yield* taggedTemplates(child);
    return;
  }
  if (node.type === 'TaggedTemplateExpression' && node.tag.type === 'Identifier') yield node;
  for (const key of Object.keys(node)) {
    if (key !== 'type' && key !== 'start' && key !== 'end') yield* taggedTemplates(node[key]);
  }
}

export function minifyLiterals() {
  return {
    name: 'mfa-minify-literals',
    transform(code, id) {
      if (!SOURCE.test(id) || !/\b(html|css)`/.test(code)) return null;
      const out = new MagicString(code);
      for (const node of taggedTemplates(parseAst(code))) {
        const { name } = node.tag;
        const quasis = node.quasi.quasis;
        if (name === 'css' && quasis.length === 1) {
          const q = quasis[0];
          out.overwrite(q.start, q.end, minifyCssText(q.value.raw, id).replace(/[`\\]|\$\{/g, (m) => `\\${m}`));
        } else if (name === 'html') {
          for (const q of quasis) if (q.end > q.start) out.overwrite(q.start, q.end, collapseHtml(q.value.raw));
        }
      }
      return out.hasChanged() ? { code: out.toString(), map: out.generateMap({ hires: true }) } : null;
    },
  };
}
