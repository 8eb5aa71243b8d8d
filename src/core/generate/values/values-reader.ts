import { readFileSync } from 'node:fs';
import type { ValuesReader } from '../prompt-file/generated-variables';
import { valuesFileFor } from './values-file';

/**
 * The values file a run reads: the real one when it exists; a dry run falls back to the simulated
 * one it wrote itself. A real run never reads simulated values.
 */
export function valuesReader(simulated: boolean): ValuesReader {
  return (promptFile) => {
    for (const candidate of simulated ? [false, true] : [false]) {
      const file = valuesFileFor(promptFile, candidate);
      try {
        return { path: file, text: readFileSync(file, 'utf8') };
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT') return { path: file, error: code === 'EISDIR' ? 'it is a directory' : String(code ?? e) };
      }
    }
    return undefined;
  };
}
