// One build script for every bundle. The CLI bundle deliberately has no `vscode`
// external: if the engine ever imports vscode, the CLI build fails.
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
  legalComments: 'none',
  metafile: true,
};

const builds = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: ['webview/src/main.ts'],
    outfile: 'dist/webview.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
  {
    // The panel's stylesheet is its own bundle: the CSP only admits stylesheets served
    // from the webview origin, never inline <style>.
    ...common,
    entryPoints: ['webview/src/styles.css'],
    outfile: 'dist/webview.css',
  },
  {
    // The dataset viewer (a custom editor) and the dataset report: their own bundles, one stylesheet.
    ...common,
    entryPoints: { viewer: 'webview/src/viewer/main.ts', report: 'webview/src/report/main.ts' },
    outdir: 'dist',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
  {
    ...common,
    entryPoints: ['webview/src/viewer/viewer.css'],
    outfile: 'dist/viewer.css',
  },
];

async function main() {
  if (watch) {
    const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  const results = await Promise.all(builds.map((b) => esbuild.build(b)));
  fs.chmodSync('dist/cli.js', 0o755);
  writeNotices(results.map((r) => r.metafile));
}

// The bundles inline their dependencies (the packages declare none), so the licenses of that code
// ship beside them instead: one notice per package that any bundle took code from.
function writeNotices(metafiles) {
  const roots = new Set();
  for (const meta of metafiles) {
    for (const input of Object.keys(meta.inputs)) {
      const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (m) roots.add(m[1]);
    }
  }
  const sections = [...roots].sort().map((root) => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    const texts = fs
      .readdirSync(root)
      .filter((f) => /^(licen[cs]e|notice|copying)(\.|$)/i.test(f))
      .sort()
      .map((f) => fs.readFileSync(path.join(root, f), 'utf8').trim());
    if (!pkg.license) throw new Error(`${pkg.name}: bundled, but declares no license`);
    if (texts.length === 0)
      texts.push(
        `The package ships no license text; it declares ${pkg.license}${pkg.repository ? ` (${pkg.repository.url ?? pkg.repository})` : ''}.`,
      );
    return [`${pkg.name}@${pkg.version} (${pkg.license})`, ...texts].join('\n\n');
  });
  const head = 'Conversation Forge bundles code from the packages below into dist/*.js. Their licenses follow.';
  fs.writeFileSync('dist/THIRD-PARTY-NOTICES.txt', [head, ...sections].join(`\n\n${'-'.repeat(78)}\n\n`) + '\n');
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
