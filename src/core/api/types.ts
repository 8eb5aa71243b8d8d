import type { HeaderSource } from '../errors';
import type { Usage } from '../usage';

/**
 * What the engine needs from the Messages API. The only implementation that talks to the network
 * is `anthropic-caller.ts` (the one module that imports `@anthropic-ai/sdk`).
 */
export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

export type CacheTtl = '5m' | '1h';

/**
 * Where a request's prompt-cache breakpoints go. The text sent is the same with or without them: the
 * caller only splits `system` and the last message into blocks at these offsets and marks the blocks.
 */
export interface RequestCache {
  readonly ttl: CacheTtl;
  /** Offsets in `system` (ascending, inside it) where a cached block ends. */
  readonly systemBreaks: readonly number[];
  /** When set, the last message's first this-many characters are a cached block (the rest follows unmarked). */
  readonly lastMessageCut?: number;
}

export interface ModelRequest {
  model: string;
  system?: string;
  messages: ChatMessage[];
  maxTokens: number;
  /** Prompt-cache breakpoints; absent sends none. */
  cache?: RequestCache;
  /** Called once when the response begins (headers in): what this request writes to the cache is usable from then. */
  onResponseBegin?: () => void;
  /** Abort in-flight work (cancel). */
  signal?: AbortSignal;
  /**
   * Called once when a streamed response starts, with its headers, before the body: the rate-limit
   * headers are worth acting on seconds before a long answer ends. Not called for non-streaming
   * requests (their headers come with the whole answer) nor for error responses.
   */
  onHeaders?: (headers: HeaderSource) => void;
}

export type StopReason =
  'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'pause_turn' | 'refusal' | 'model_context_window_exceeded' | (string & {});

export interface ModelResponse {
  /** The text blocks joined; thinking and other non-text blocks are skipped by type. */
  text: string;
  stopReason: StopReason | null;
  usage: Usage;
  /** Response headers (rate-limit state lives in them). */
  headers: HeaderSource;
  requestId?: string;
  model: string;
}

export interface TokenCountRequest {
  model: string;
  system?: string;
  messages: ChatMessage[];
  signal?: AbortSignal;
}

export interface ModelCaller {
  send(request: ModelRequest): Promise<ModelResponse>;
  countTokens(request: TokenCountRequest): Promise<number>;
}
