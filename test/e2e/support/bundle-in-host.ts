// Bundles the in-host mocha suite (test/e2e/in-host/*.test.ts) into one CommonJS file whose
// run() the VS Code test API calls. `vscode` stays external (the host provides it) and mocha is
// required from the project's node_modules by absolute path (the bundle lives in a temp folder).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { E2E_ROOT, ensureDir, REPO_ROOT } from './paths';

export const IN_HOST_DIR = path.join(E2E_ROOT, 'in-host');

export function inHostTestFiles(): string[] {
  return fs
    .readdirSync(IN_HOST_DIR)
    .filter((f) => f.endsWith('.test.ts'))
    .sort();
}

/** Returns the absolute path of the bundle's index.js (the extensionTestsPath). */
export async function bundleInHostSuite(outDir: string, files = inHostTestFiles()): Promise<string> {
  ensureDir(outDir);
  const outfile = path.join(outDir, 'index.js');
  const entry = [
    `import { runSuite } from './index';`,
    `export function run() {`,
    `  return runSuite([`,
    ...files.map((f) => `    () => require(${JSON.stringify(`./${f}`)}),`),
    `  ]);`,
    `}`,
  ].join('\n');
  const mochaPath = require.resolve('mocha', { paths: [REPO_ROOT] });
  await esbuild.build({
    stdin: { contents: entry, resolveDir: IN_HOST_DIR, sourcefile: 'in-host-entry.ts', loader: 'ts' },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'silent',
    external: ['vscode'],
    plugins: [
      {
        name: 'mocha-from-repo',
        setup(build) {
          build.onResolve({ filter: /^mocha$/ }, () => ({ path: mochaPath, external: true }));
        },
      },
    ],
  });
  return outfile;
}
