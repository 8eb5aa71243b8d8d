// The one source of the product's version: package.json. A named import, so the bundles carry
// only this field of it (esbuild tree-shakes JSON imports), and tests under tsx read the same file.
import { version } from '../../package.json';

/** The version of Conversation Forge that is running (CLI, extension and engine are one version). */
export const FORGE_VERSION: string = version;
