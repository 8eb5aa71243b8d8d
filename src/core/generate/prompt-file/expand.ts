import { createHash } from 'node:crypto';
import type { ConversationSpec, PromptFile } from '../types';
import { evenTurnsIn } from './field-checks';
import { placeholderNames, renderTemplate } from './template';
import { combinationCount, regenerationFor, variationFor } from './variation';

/**
 * One spec per index 0..count-1.
 *
 * Variables: the cartesian product of the variables in file order, the last variable varying
 * fastest (like nested loops with the first variable outermost). Conversation i uses combination
 * i mod (number of combinations), so the values cycle evenly once count exceeds the product.
 *
 * Ids: `<name slug, at most 24>-<first 12 hex of sha256(promptHash + ":" + index)>`. The same
 * prompt gives the same ids on every run, whatever the comments, formatting or key order; raising
 * `count` keeps the first ids and adds new ones; `priority` and `output.path` change nothing. An
 * edit to what is generated (prompt, variables, model, turns, ...) changes every id, so old output
 * is never mistaken for the new version's (the run refuses to mix them; see version-guard.ts).
 *
 * Turns: a fixed count is used as is (validation keeps it even). A range {min, max} picks one of
 * the even counts inside it from bytes of the id's hash, so a conversation keeps its length
 * across runs.
 */
export function expandConversations(file: PromptFile): ConversationSpec[] {
  const specs: ConversationSpec[] = [];
  for (let index = 0; index < file.count; index++) specs.push(specAt(file, index));
  return specs;
}

/** The conversation at `index` alone, so a run can plan lazily over a file's index space (see expandConversations). */
export function specAt(file: PromptFile, index: number): ConversationSpec {
  const digest = digestAt(file, index);
  const variables = combination(file.variables, Object.keys(file.variables), index);
  const variation = joinVariation(
    variationFor(Math.floor(index / combinationCount(file.variables))),
    file.regenerations?.get(index),
    index,
  );
  const prompt = renderTemplate(file.prompt, variables);
  return {
    id: idOf(file, digest),
    index,
    batch: file.name,
    sourceFile: file.path,
    model: file.model,
    strategy: file.strategy,
    turns: resolveTurns(file.turns, digest),
    maxTokens: file.maxTokens,
    priority: file.priority,
    ...(file.system !== undefined ? { system: renderTemplate(file.system, variables) } : {}),
    // A system prompt with variables differs between conversations: nothing to share through the cache.
    ...(file.system !== undefined && placeholderNames(file.system).length > 0 ? { systemVaries: true } : {}),
    ...(file.cache !== undefined ? { cache: file.cache } : {}),
    prompt: variation ? `${prompt}\n\n${variation}` : prompt,
    variables,
    ...(variation ? { variation } : {}),
    output: file.output,
  };
}

function joinVariation(pass: string | undefined, round: number | undefined, index: number): string | undefined {
  if (!round) return pass;
  const again = regenerationFor(round, index);
  return pass ? `${pass}\n\n${again}` : again;
}

/** The id of the conversation at `index`, without rendering it: what a resume scan needs. */
export function specIdAt(file: PromptFile, index: number): string {
  return idOf(file, digestAt(file, index));
}

function digestAt(file: PromptFile, index: number): Buffer {
  return createHash('sha256').update(`${file.promptHash}:${index}`).digest();
}

function idOf(file: PromptFile, digest: Buffer): string {
  return `${nameSlug(file.name)}-${digest.toString('hex', 0, 6)}`;
}

/** Lower-case letters, digits, `_` and `-`; never empty, at most 24 characters. */
export function nameSlug(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+/, '')
    .slice(0, 24)
    .replace(/-+$/, '');
  return slug || 'conversation';
}

/** Mixed-radix decoding of i mod product: no product is ever materialised, however large. */
export function combination(
  variables: Readonly<Record<string, readonly string[]>>,
  names: readonly string[],
  index: number,
): Record<string, string> {
  const picked: Record<string, string> = {};
  let product = 1;
  for (const name of names) {
    product *= variables[name]!.length;
    if (product > index) break; // past this point i mod product === i
  }
  let rest = product > index ? index : index % product;
  for (let k = names.length - 1; k >= 0; k--) {
    const values = variables[names[k]!]!;
    picked[names[k]!] = values[rest % values.length]!;
    rest = Math.floor(rest / values.length);
  }
  // Keep file order in the record (the loop above filled it backwards).
  return Object.fromEntries(names.map((n) => [n, picked[n]!]));
}

function resolveTurns(turns: PromptFile['turns'], digest: Buffer): number {
  if (typeof turns === 'number') return turns;
  const choices = evenTurnsIn(turns.min, turns.max);
  if (choices.length === 0) return Math.max(2, turns.max - (turns.max % 2)); // validation rejects this
  // Bytes 6..9 lie beyond the 12 hex characters shown in the id.
  return choices[digest.readUInt32BE(6) % choices.length]!;
}
