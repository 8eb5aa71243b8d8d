import type { OutputConfig } from './options';
import type { Rng } from './rng';
import { countTextTokens } from './tokens';

/**
 * Synthetic answers "in the requested shape". The contract with prompt authors: a last user message
 * that says `exactly N messages` and mentions JSON gets {"messages":[...]} with N alternating turns
 * starting with user; one that asks for `exactly N distinct values ... one per line` gets a numbered
 * list of N distinct values; anything else gets one prose reply.
 */
const OPENERS = ['Honestly,', 'In my experience,', 'To be fair,', 'Right now,', 'Frankly,', 'Usually,', 'Lately,', 'Well,'];
const SUBJECTS = [
  'the team',
  'my landlord',
  'the new scheduler',
  'our support queue',
  'the garden',
  'this recipe',
  'the quarterly report',
  'my sister',
  'the migration plan',
  'the bike shop',
  'the museum',
  'the night train',
];
const VERBS = [
  'keeps changing',
  'depends on',
  'barely covers',
  'quietly improves',
  'runs into',
  'needs more of',
  'works better with',
  'falls apart without',
  'makes room for',
  'asks a lot of',
];
const OBJECTS = [
  'the weekend plans',
  'a clear deadline',
  'fresh tomatoes',
  'the old database',
  'a second opinion',
  'the morning light',
  'careful testing',
  'a patient reader',
  'the budget spreadsheet',
  'spare parts',
  'the customer notes',
  'a long walk',
];
const ENDINGS = ['.', '.', '.', '!', '?', ', which surprised me.', ', as far as I can tell.', ' most of the time.'];

function sentence(rng: Rng): string {
  const opener = rng.next() < 0.4 ? `${rng.pick(OPENERS)} ` : '';
  const text = `${opener}${rng.pick(SUBJECTS)} ${rng.pick(VERBS)} ${rng.pick(OBJECTS)}${rng.pick(ENDINGS)}`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Prose of about `tokens` tokens (never under it by more than one sentence's worth). */
export function prose(rng: Rng, tokens: number): string {
  const parts: string[] = [];
  let text = '';
  while (countTextTokens(text) < tokens) {
    parts.push(sentence(rng));
    text = parts.join(' ');
  }
  return text;
}

function targetTokens(rng: Rng, output: OutputConfig): number {
  const spread = 1 + (rng.next() * 2 - 1) * output.jitter;
  return Math.max(1, Math.round(output.tokensPerMessage * spread));
}

/** N when the text asks for a JSON conversation of exactly N messages. */
export function requestedMessageCount(text: string): number | undefined {
  if (!/\bjson\b/i.test(text)) return undefined;
  const match = /exactly\s+(\d+)\s+messages/i.exec(text);
  if (!match) return undefined;
  const n = Number(match[1]);
  return n >= 1 && n <= 1000 ? n : undefined;
}

/** N when the text asks for a list of exactly N distinct values, one per line (values-request.ts). */
export function requestedValueCount(text: string): number | undefined {
  const match = /exactly\s+(\d+)\s+distinct values\b[^\n]*one per line/i.exec(text);
  const n = match ? Number(match[1]) : NaN;
  return n >= 1 && n <= 10_000 ? n : undefined;
}

/**
 * A numbered list of N values, distinct from each other and from the "- value" lines the request
 * says exist already, as the contract with prompt authors promises.
 */
export function valueList(rng: Rng, n: number, lastUserText: string): string {
  const taken = new Set(
    lastUserText
      .split('\n')
      .filter((l) => l.startsWith('- '))
      .map((l) => l.slice(2).trim().toLowerCase()),
  );
  const out: string[] = [];
  for (let tries = 0; out.length < n; tries++) {
    const base = `${rng.pick(SUBJECTS)} that ${rng.pick(VERBS)} ${rng.pick(OBJECTS)}`;
    // Past the combinations of the word lists a number keeps values apart.
    const value = tries < n * 20 ? base : `${base} (${tries})`;
    if (taken.has(value.toLowerCase())) continue;
    taken.add(value.toLowerCase());
    out.push(value.charAt(0).toUpperCase() + value.slice(1));
  }
  return out.map((v, i) => `${i + 1}. ${v}`).join('\n');
}

export function synthesizeText(rng: Rng, output: OutputConfig, lastUserText: string): string {
  const values = requestedValueCount(lastUserText);
  if (values !== undefined) return valueList(rng, values, lastUserText);
  const n = requestedMessageCount(lastUserText);
  if (n === undefined) return prose(rng, targetTokens(rng, output));
  const messages = Array.from({ length: n }, (_, i) => ({
    role: i % 2 === 0 ? 'user' : 'assistant',
    content: prose(rng, targetTokens(rng, output)),
  }));
  return JSON.stringify({ messages });
}

const SIGNATURE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function signature(rng: Rng): string {
  let s = 'Eq';
  for (let i = 0; i < 86; i++) s += SIGNATURE_CHARS[rng.int(SIGNATURE_CHARS.length)];
  return `${s}==`;
}

export interface SynthAnswer {
  thinking?: { thinking: string; signature: string };
  text: string;
  outputTokens: number;
  stopReason: 'end_turn' | 'max_tokens';
}

/** Cuts a text to exactly `tokens` tokens under the ceil(chars / 4) rule. */
function cut(text: string, tokens: number): string {
  return text.length > tokens * 4 ? text.slice(0, tokens * 4) : text;
}

/**
 * Builds the answer and applies max_tokens: thinking counts against it too, so a small
 * max_tokens can leave a truncated text (stop_reason max_tokens), as on the real API.
 */
export function synthesizeAnswer(rng: Rng, output: OutputConfig, lastUserText: string, maxTokens: number, thinking: boolean): SynthAnswer {
  let thinkingText = thinking ? prose(rng, output.thinkingTokens) : undefined;
  const sig = thinking ? signature(rng) : undefined;
  let text = synthesizeText(rng, output, lastUserText);
  let stopReason: SynthAnswer['stopReason'] = 'end_turn';
  let thinkingTokens = thinkingText === undefined ? 0 : countTextTokens(thinkingText);
  if (thinkingTokens + countTextTokens(text) > maxTokens) {
    stopReason = 'max_tokens';
    if (thinkingText !== undefined && thinkingTokens > maxTokens) {
      thinkingText = cut(thinkingText, maxTokens);
      thinkingTokens = maxTokens;
    }
    text = cut(text, maxTokens - thinkingTokens);
  }
  return {
    ...(thinkingText !== undefined && sig !== undefined ? { thinking: { thinking: thinkingText, signature: sig } } : {}),
    text,
    outputTokens: thinkingTokens + countTextTokens(text),
    stopReason,
  };
}
