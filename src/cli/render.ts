import { messageBody } from '../core/api/anthropic-caller';
import { systemClock } from '../core/clock';
import { RunCache } from '../core/generate/cache/run-cache';
import { expandConversations } from '../core/generate/prompt-file';
import { planRequests } from '../core/generate/strategies/request-plan';
import type { PromptFile } from '../core/generate/types';
import { UsageError } from './parse-argv';

export interface RenderedConversation {
  id: string;
  index: number;
  batch: string;
  strategy: PromptFile['strategy'];
  messages: number;
  variables: Record<string, string>;
  requests: { step: number; writes: string; exact: boolean; body: unknown }[];
}

/** The requests conversation `index` of a prompt file sends, as the JSON bodies the SDK posts. */
export function renderConversation(file: PromptFile, index: number): RenderedConversation {
  if (index >= file.count) {
    throw new UsageError(`--index: expected an integer from 0 to ${file.count - 1} (the file has count ${file.count}), got \`${index}\``);
  }
  const spec = expandConversations(file)[index]!;
  return {
    id: spec.id,
    index: spec.index,
    batch: spec.batch,
    strategy: spec.strategy,
    messages: spec.turns,
    variables: spec.variables,
    // the breakpoints as a run places them (the lifetime a run may raise to 1 h shows as 5 min)
    requests: planRequests(spec, new RunCache({ clock: systemClock }).settingsFor(spec)).map((p) => ({
      step: p.step,
      writes: p.writes,
      exact: p.exact,
      body: messageBody(p.request),
    })),
  };
}

export function renderLines(r: RenderedConversation): string[] {
  const vars = Object.entries(r.variables)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const lines = [
    `${r.batch} #${r.index} (${r.id}): strategy ${r.strategy}, ${r.messages} messages, ${r.requests.length} request(s)` +
      (vars ? `; variables: ${vars}` : ''),
  ];
  for (const q of r.requests) {
    const what = q.writes === 'conversation' ? 'the whole conversation' : `message ${q.step} (${q.writes})`;
    const note = q.exact ? '' : ' — earlier messages are placeholders for what the model will have written';
    lines.push('', `Request ${q.step} of ${r.requests.length}: POST /v1/messages, writes ${what}${note}`, JSON.stringify(q.body, null, 2));
  }
  return lines;
}
