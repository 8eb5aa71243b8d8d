import { failure, type ApiFailure } from './api-failure';
import { modelInfo, type ModelClass } from './models';
import { promptBlocks, type PromptBlock } from './prompt-blocks';

/**
 * Request validation with the real API's wording where we know it. Only what a generation engine
 * can plausibly get wrong is checked; the rest of the body is accepted as is.
 */
export interface ValidRequest {
  readonly model: string;
  readonly modelClass: ModelClass;
  readonly maxTokens: number;
  readonly stream: boolean;
  readonly body: Record<string, unknown>;
  /** Text of the last user message (the synthetic answer takes its shape from it). */
  readonly lastUserText: string;
  /** The prompt as prompt caching sees it (prefix tokens and hashes, breakpoints). */
  readonly blocks: readonly PromptBlock[];
  readonly minCacheTokens: number;
}

const bad = (message: string): ApiFailure => failure(400, 'invalid_request_error', message);

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((b) => (b && typeof b === 'object' && typeof (b as { text?: unknown }).text === 'string' ? (b as { text: string }).text : ''))
    .join('\n');
}

function isEmptyContent(content: unknown): boolean {
  return (typeof content === 'string' && content === '') || (Array.isArray(content) && content.length === 0);
}

function checkMessages(messages: unknown): ApiFailure | string {
  if (messages === undefined) return bad('messages: Field required');
  if (!Array.isArray(messages)) return bad('messages: Input should be a valid list');
  if (messages.length === 0) return bad('messages: at least one message is required');
  let lastUser = '';
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as { role?: unknown; content?: unknown } | null;
    if (!m || typeof m !== 'object') return bad(`messages.${i}: Input should be a valid dictionary`);
    if (m.role !== 'user' && m.role !== 'assistant') return bad(`messages.${i}.role: Input should be 'user' or 'assistant'`);
    if (typeof m.content !== 'string' && !Array.isArray(m.content)) {
      return bad(`messages.${i}.content: Input should be a valid string or a valid list`);
    }
    if (i === 0 && m.role !== 'user') return bad('messages: first message must use the "user" role');
    const prev = i > 0 ? (messages[i - 1] as { role?: unknown }).role : undefined;
    if (prev === m.role) {
      return bad(`messages: roles must alternate between "user" and "assistant", but found multiple "${m.role}" roles in a row`);
    }
    const finalAssistant = i === messages.length - 1 && m.role === 'assistant';
    if (isEmptyContent(m.content) && !finalAssistant) {
      return bad(`messages.${i}: all messages must have non-empty content except for the optional final assistant message`);
    }
    if (m.role === 'user') lastUser = contentText(m.content);
  }
  return lastUser;
}

/**
 * Validates a Messages (or, with `forCount`, a count_tokens) body. Returns the failure the real API
 * would send, or the parsed request.
 */
export function validateRequest(raw: unknown, anthropicVersion: string, forCount = false): ApiFailure | ValidRequest {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return bad('Request body must be a JSON object');
  const body = raw as Record<string, unknown>;
  if (typeof body.model !== 'string' || body.model === '') return bad('model: Field required');
  for (const key of ['temperature', 'top_p', 'top_k'] as const) {
    if (body[key] !== undefined) {
      return bad(`${key}: this parameter is not supported with anthropic-version ${anthropicVersion}; remove it from the request`);
    }
  }
  let maxTokens = 0;
  if (!forCount) {
    if (body.max_tokens === undefined) return bad('max_tokens: Field required');
    if (typeof body.max_tokens !== 'number' || !Number.isInteger(body.max_tokens)) {
      return bad('max_tokens: Input should be a valid integer');
    }
    if (body.max_tokens < 1) return bad('max_tokens: Input should be greater than or equal to 1');
    maxTokens = body.max_tokens;
  }
  if (body.stream !== undefined && typeof body.stream !== 'boolean') return bad('stream: Input should be a valid boolean');
  if (body.system !== undefined && typeof body.system !== 'string' && !Array.isArray(body.system)) {
    return bad('system: Input should be a valid string or a valid list');
  }
  const checked = checkMessages(body.messages);
  if (typeof checked !== 'string') return checked;
  const info = modelInfo(body.model);
  if (!info) return failure(404, 'not_found_error', `model: ${body.model}`);
  const choice = body.tool_choice as { type?: unknown } | undefined;
  if (info.rejectsForcedTools && choice && (choice.type === 'any' || choice.type === 'tool')) {
    return bad('tool_choice: type "tool" and "any" are not supported for this model.');
  }
  const blocks = promptBlocks(body);
  if (!Array.isArray(blocks)) return blocks;
  return {
    model: body.model,
    modelClass: info.modelClass,
    maxTokens,
    stream: body.stream === true,
    body,
    lastUserText: checked,
    blocks,
    minCacheTokens: info.minCacheTokens,
  };
}

export function isFailure(v: ApiFailure | ValidRequest): v is ApiFailure {
  return 'status' in v;
}
