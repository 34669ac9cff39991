// The analyzer's configuration (`cem analyze`, run by scripts/build.js after tsc): the manifest of
// the published package, and the editor and framework data generated from it.
import { customElementVsCodePlugin } from 'custom-element-vs-code-integration';
import { customElementJetBrainsPlugin } from 'custom-element-jet-brains-integration';
import { frameworkTypes } from './scripts/framework-types.js';
import { packageManifest, readonlyAccessors } from './scripts/manifest-plugins.js';

// The generated typings sit in dist/ and import the class's declarations from here.
const TYPES = './types/index.js';

export default {
  globs: ['src/element/mfa-otp-flow.ts'],
  outdir: '.',
  litelement: true,
  plugins: [
    readonlyAccessors(),
    packageManifest({ entry: 'dist/index.js', entryTypes: 'dist/types/index.d.ts', define: 'dist/define.js' }),
    frameworkTypes({ outdir: 'dist', typesImport: TYPES }),
    customElementVsCodePlugin({
      outdir: 'dist',
      htmlFileName: 'vscode.html-custom-data.json',
      cssFileName: 'vscode.css-custom-data.json',
      typesSrc: 'parsedType',
      hideLogs: true,
    }),
    customElementJetBrainsPlugin({ outdir: 'dist', webTypesFileName: 'web-types.json', typesSrc: 'parsedType', hideLogs: true }),
  ],
};
