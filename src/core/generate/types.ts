import type { ChatMessage } from '../api/types';
import type { Priority } from '../queue/types';

/** Where a value came from in a prompt file, for error messages. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

export type OutputFormat = 'openai' | 'sharegpt' | 'anthropic';
export type Strategy = 'single' | 'turns';
/**
 * Prompt caching: `auto` marks cacheable prefixes with the 5-minute TTL (1 hour where 5 minutes
 * would expire), `1h` always uses the 1-hour TTL, `off` sends no breakpoints.
 */
export type CacheMode = 'auto' | 'off' | '1h';
export const CACHE_MODES: readonly CacheMode[] = ['auto', 'off', '1h'];
/** `online`: the Messages API under the limiter; `batch`: the Message Batches API (half price, results within 24 h). */
export type GenerationMode = 'online' | 'batch';
export const GENERATION_MODES: readonly GenerationMode[] = ['online', 'batch'];

export interface TurnRange {
  min: number;
  max: number;
}

/** A prompt file (`*.forge.yaml`) after parsing and validation, with defaults applied. */
export interface PromptFile {
  /** Absolute path of the prompt file. */
  path: string;
  /** sha256 of the file's text (without a byte-order mark): changes with any edit, comments included. Not part of ids. */
  contentHash: string;
  /**
   * sha256 of a canonical form of the fields that decide what a conversation is (see
   * prompt-file/prompt-hash.ts): part of every id. Comments, formatting, key order, `count`,
   * `priority` and `output.path` leave it unchanged.
   */
  promptHash: string;
  name: string;
  model: string;
  count: number;
  turns: number | TurnRange;
  priority: Priority;
  maxTokens: number;
  strategy: Strategy;
  /** Prompt caching (absent: auto); not part of `promptHash`: it changes the price, not the conversations. */
  cache?: CacheMode;
  /** Absent: online. Not part of `promptHash`: it changes the price and the wait, not the conversations. */
  mode?: GenerationMode;
  system?: string;
  prompt: string;
  variables: Record<string, string[]>;
  /**
   * Variables whose values Claude writes once (`{generate, prompt}`), kept in `valuesFile`. Their
   * values are in `variables` once generated; until then `variables` holds placeholders that only
   * an estimate may use, and `pendingValues` names them (a run refuses such a file).
   */
  generated?: GeneratedVariable[];
  /** Where the generated values of this file are read from and written to. */
  valuesFile?: string;
  /** Generated variables whose values do not exist yet. */
  pendingValues?: string[];
  /**
   * Conversations dropped as duplicates to be made again, by index: the regeneration round their
   * request carries (from the journal's marks; set when a run opens the dataset). Not part of ids.
   */
  regenerations?: ReadonlyMap<number, number>;
  /** Conversations dropped for good (`dedup --drop`), by index: runs skip them. From the journal's marks. */
  dropped?: ReadonlySet<number>;
  output: {
    /** Absolute path of the dataset file. */
    path: string;
    format: OutputFormat;
    systemPrompt?: string;
  };
}

/** A variable whose values Claude writes once, on the first run (values/generate-values.ts). */
export interface GeneratedVariable {
  name: string;
  /** How many distinct values to ask for. */
  count: number;
  prompt: string;
  model: string;
  maxTokens: number;
}

/** One conversation to generate: the unit of work, resume and retry. */
export interface ConversationSpec {
  /** Stable: derived from the file's promptHash and the index. Matches ^[a-zA-Z0-9_-]{1,64}$. */
  id: string;
  index: number;
  batch: string;
  sourceFile: string;
  model: string;
  strategy: Strategy;
  /** Messages (user + assistant) this conversation must have. */
  turns: number;
  maxTokens: number;
  priority: Priority;
  /** Prompt caching; absent means auto. */
  cache?: CacheMode;
  system?: string;
  /** The system prompt differs between conversations of its file (it uses variables): no shared prefix. */
  systemVaries?: boolean;
  /** The prompt template rendered with this conversation's variables. */
  prompt: string;
  variables: Record<string, string>;
  /** Set when count exceeds the combinations of variables: what makes this repeat differ (variation.ts). */
  variation?: string;
  output: PromptFile['output'];
}

/** A finished, validated conversation. */
export interface Conversation {
  messages: ChatMessage[];
}
