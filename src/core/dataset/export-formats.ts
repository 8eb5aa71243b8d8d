import type { ConversationRecord } from './conversation-record';

/** Formats training stacks read directly. Metadata never goes in: it stays in the journal. */
export const EXPORT_FORMATS = ['hf', 'openai', 'sharegpt', 'bedrock', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export type Exported = { ok: true; value: unknown } | { ok: false; problem: string };

function alternates(record: ConversationRecord): string | undefined {
  if (record.turns[0]?.role !== 'user') return 'expected the first message to be from the user';
  for (let i = 1; i < record.turns.length; i++) {
    if (record.turns[i]!.role === record.turns[i - 1]!.role)
      return `expected user and assistant to alternate, got two ${record.turns[i]!.role} messages at ${i}–${i + 1}`;
  }
  return undefined;
}

/** Messages with the system prompt first, as Hugging Face chat templates and OpenAI fine-tuning read them. */
export function chatMessages(record: ConversationRecord): { role: string; content: string }[] {
  return [
    ...(record.system !== undefined ? [{ role: 'system', content: record.system }] : []),
    ...record.turns.map((t) => ({ role: t.role, content: t.content })),
  ];
}

/** One exported row, or why this conversation cannot be one in `format`. */
export function exportRecord(format: ExportFormat, record: ConversationRecord): Exported {
  if (!record.turns.some((t) => t.role === 'assistant')) return { ok: false, problem: 'expected at least one assistant message' };
  switch (format) {
    case 'hf':
    case 'openai':
    case 'parquet':
      return { ok: true, value: { messages: chatMessages(record) } };
    case 'sharegpt':
      return {
        ok: true,
        value: {
          conversations: [
            ...(record.system !== undefined ? [{ from: 'system', value: record.system }] : []),
            ...record.turns.map((t) => ({ from: t.role === 'user' ? 'human' : 'gpt', value: t.content })),
          ],
        },
      };
    case 'bedrock': {
      // Bedrock's Claude fine-tuning format: optional system, at least two messages, user first,
      // assistant last, strictly alternating, and no other keys.
      const problem =
        alternates(record) ??
        (record.turns.at(-1)!.role !== 'assistant' ? 'expected the last message to be from the assistant' : undefined);
      if (record.turns.length < 2) return { ok: false, problem: 'expected at least two messages' };
      if (problem) return { ok: false, problem };
      return {
        ok: true,
        value: {
          ...(record.system !== undefined ? { system: record.system } : {}),
          messages: record.turns.map((t) => ({ role: t.role, content: t.content })),
        },
      };
    }
  }
}
