import { createHash } from 'node:crypto';
import type { PromptFile } from '../types';

/** The fields of a parsed prompt file that decide what its conversations are. */
export type PromptVersionFields = Pick<
  PromptFile,
  'name' | 'model' | 'strategy' | 'system' | 'prompt' | 'variables' | 'turns' | 'maxTokens' | 'output'
>;

/** Bump when the canonical form below changes, so old and new hashes can never be mistaken. */
const CANONICAL_VERSION = 1;

/**
 * The prompt version: sha256 (hex) of a canonical JSON of exactly what determines a generated
 * conversation, after defaults are applied: batch name, model, strategy, system, prompt, variables
 * (names, values and their order), turns, max_tokens, output.format and output.system_prompt.
 *
 * Left out on purpose: comments, formatting and key order (only parsed values enter), `count`
 * (it says how many, not which: conversation i is the same whatever the count), `priority` (when,
 * not what) and `output.path` (where, not what). Editing those keeps every id.
 *
 * Canonical: a fixed-order array, so neither key order nor integer-like keys (which JSON.stringify
 * would reorder) can change it; variables are [name, values] pairs in file order.
 */
export function promptHashOf(file: PromptVersionFields): string {
  const turns = typeof file.turns === 'number' ? file.turns : { min: file.turns.min, max: file.turns.max };
  const canonical = [
    CANONICAL_VERSION,
    file.name,
    file.model,
    file.strategy,
    file.system ?? null,
    file.prompt,
    Object.entries(file.variables).map(([name, values]) => [name, [...values]]),
    turns,
    file.maxTokens,
    file.output.format,
    file.output.systemPrompt ?? null,
  ];
  return createHash('sha256').update(JSON.stringify(canonical), 'utf8').digest('hex');
}
