import type { ChatMessage } from '../../../../src/core/api/types';
import { createConversationJobData, type ConversationJobData } from '../../../../src/core/generate/strategies/executor';
import type { ConversationSpec } from '../../../../src/core/generate/types';
import type { Job, StepContext } from '../../../../src/core/queue/types';

export function specOf(overrides: Partial<ConversationSpec> = {}): ConversationSpec {
  return {
    id: 'abc123-0',
    index: 0,
    batch: 'support',
    sourceFile: 'prompts/support.forge.yaml',
    model: 'claude-haiku-5-5',
    strategy: 'single',
    turns: 4,
    maxTokens: 2000,
    priority: 'normal',
    system: 'Conversations are about a bike shop.',
    prompt: 'A customer asks how to fix a flat tyre.',
    variables: {},
    output: { path: 'out/support.jsonl', format: 'openai' },
    ...overrides,
  };
}

export function jobOf(spec: ConversationSpec): Job<ConversationJobData> {
  return {
    id: spec.id,
    batchId: spec.batch,
    priority: spec.priority,
    model: spec.model,
    modelClass: spec.model,
    next: { inputTokens: 100, maxTokens: spec.maxTokens },
    attempts: 0,
    steps: 0,
    state: 'running',
    enqueuedAt: 0,
    data: createConversationJobData(spec),
  };
}

export function ctxOf(signal = new AbortController().signal): StepContext {
  return {
    signal,
    attempt: 1,
    permit: { id: 1, modelClass: 'claude-haiku-5-5', inputTokens: 100, outputTokens: 100, issuedAt: 0 },
  };
}

/** A valid alternating conversation of `n` messages. */
export function conversationOf(n: number): ChatMessage[] {
  return Array.from({ length: n }, (_, i) => ({
    role: i % 2 === 0 ? 'user' : 'assistant',
    content: i % 2 === 0 ? `Question number ${i / 2 + 1} about my tyre?` : `Here is answer ${(i + 1) / 2}.`,
  }));
}
