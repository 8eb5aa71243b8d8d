// The lint tooling lives in its own workspace package (tools/lint); see tools/lint/package.json.
export { default } from './tools/lint/eslint.config.mjs';
