import type { ChatMessage, ModelRequest } from '../../api/types';
import type { ConversationSpec } from '../types';
import type { CacheSettings } from './cache-layout';
import { messagesPerRequest, nextRequest } from './next-request';

export interface PlannedRequest {
  /** 1-based step of the conversation. */
  step: number;
  /** Which side of the conversation the request writes. */
  writes: 'conversation' | 'user' | 'assistant';
  /** False when the request carries earlier generated messages, shown as placeholders. */
  exact: boolean;
  request: ModelRequest;
}

/** Stands in for a message the model has not written yet. */
export function placeholder(messageNumber: number, role: ChatMessage['role']): string {
  return `<message ${messageNumber} (${role}), as generated>`;
}

/**
 * Every request one conversation sends, in order, built by the same code the run uses. For `turns`
 * the later requests carry the messages generated before them; those are placeholders here.
 * With `cache`, the prompt-cache breakpoints are placed as the run places them (5-minute lifetime).
 */
export function planRequests(spec: ConversationSpec, cache?: CacheSettings): PlannedRequest[] {
  if (spec.strategy === 'single') return [{ step: 1, writes: 'conversation', exact: true, request: nextRequest(spec, [], cache) }];
  const steps = Math.ceil(spec.turns / messagesPerRequest(spec));
  const transcript: ChatMessage[] = [];
  const plan: PlannedRequest[] = [];
  for (let step = 1; step <= steps; step++) {
    const role: ChatMessage['role'] = transcript.length % 2 === 0 ? 'user' : 'assistant';
    plan.push({ step, writes: role, exact: transcript.length === 0, request: nextRequest(spec, transcript, cache) });
    transcript.push({ role, content: placeholder(transcript.length + 1, role) });
  }
  return plan;
}
