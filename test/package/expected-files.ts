// What each package holds, exactly: a file that appears or disappears is a decision, made here.

/** `npm pack`: the CLI bundle, its notices, the examples `convforge init` copies, the docs. */
export function expectedTarballFiles(examples: string[]): string[] {
  return [
    'CHANGELOG.md',
    'LICENSE',
    'README.md',
    'dist/THIRD-PARTY-NOTICES.txt',
    'dist/cli.js',
    'package.json',
    ...examples.map((e) => `examples/${e}`),
  ].sort();
}

/** The VSIX: what the extension needs at run time, plus what the marketplace shows. */
export const EXPECTED_VSIX_FILES = [
  '[Content_Types].xml',
  'extension.vsixmanifest',
  'extension/LICENSE.txt',
  'extension/changelog.md',
  'extension/dist/THIRD-PARTY-NOTICES.txt',
  'extension/dist/extension.js',
  'extension/dist/report.js',
  'extension/dist/viewer.css',
  'extension/dist/viewer.js',
  'extension/dist/webview.css',
  'extension/dist/webview.js',
  'extension/media/icon.png',
  'extension/package.json',
  'extension/readme.md',
  'extension/schemas/prompt-file.schema.json',
].sort();
