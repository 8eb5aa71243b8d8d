/**
 * A dataset line in any of the formats Forge writes (and the usual ones it does not), reduced to
 * what quality checks and exports need: an optional system prompt and the turns.
 */
export interface Turn {
  role: 'user' | 'assistant';
  content: string;
}

export interface ConversationRecord {
  system?: string;
  turns: Turn[];
}

export type RecordParse = { ok: true; record: ConversationRecord } | { ok: false; problem: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function roleOf(raw: unknown): Turn['role'] | 'system' | undefined {
  switch (raw) {
    case 'user':
    case 'human':
      return 'user';
    case 'assistant':
    case 'gpt':
    case 'model':
      return 'assistant';
    case 'system':
      return 'system';
    default:
      return undefined;
  }
}

function textOf(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  // Anthropic-style content blocks: keep the text ones.
  if (Array.isArray(raw)) {
    const parts = raw
      .filter((b) => isObject(b) && b['type'] === 'text' && typeof b['text'] === 'string')
      .map((b) => (b as { text: string }).text);
    return parts.length > 0 ? parts.join('') : undefined;
  }
  return undefined;
}

/** openai / HF `messages`, anthropic `{system, messages}`, or ShareGPT `conversations`. */
export function parseConversationRecord(value: unknown): RecordParse {
  if (!isObject(value)) return { ok: false, problem: 'expected a JSON object' };
  const list = Array.isArray(value['messages'])
    ? value['messages']
    : Array.isArray(value['conversations'])
      ? value['conversations']
      : undefined;
  if (!list) return { ok: false, problem: 'expected a "messages" or "conversations" array' };
  const record: ConversationRecord = { turns: [] };
  if (typeof value['system'] === 'string' && value['system'] !== '') record.system = value['system'];
  for (const [i, m] of list.entries()) {
    if (!isObject(m)) return { ok: false, problem: `message ${i + 1}: expected an object` };
    const role = roleOf(m['role'] ?? m['from']);
    const content = textOf(m['content'] ?? m['value']);
    if (role === undefined) return { ok: false, problem: `message ${i + 1}: unknown role ${JSON.stringify(m['role'] ?? m['from'])}` };
    if (content === undefined) return { ok: false, problem: `message ${i + 1}: expected text content` };
    if (role === 'system') record.system = content;
    else record.turns.push({ role, content });
  }
  if (record.turns.length === 0) return { ok: false, problem: 'no user or assistant messages' };
  return { ok: true, record };
}

/** The conversation's own text for similarity: the turns, never the (shared) system prompt. */
export function conversationText(record: ConversationRecord): string {
  return record.turns.map((t) => t.content).join('\n');
}
