// A conversation that failed validation, from the failures file: the last rejected attempt as
// chat, the offending message marked (with words, not only colour), or why there is no text.
import type { ViewerFailure } from '../../../src/protocol/viewer-messages';
import { el } from '../dom';

/** The validator's rule names as a reader says them (a name this build does not know is shown as is). */
const RULE_LABELS: Record<string, string> = {
  stop_reason: 'stopped early',
  unreadable: 'not a conversation',
  message_count: 'wrong number of messages',
  role_order: 'roles out of order',
  empty: 'empty message',
  refusal: 'refusal',
  role_label: 'role label in the text',
  truncated: 'looks truncated',
};

export const ruleLabel = (rule: string): string => RULE_LABELS[rule] ?? rule;

const fmt = (n: number) => n.toLocaleString('en-US');

function turnsOf(item: ViewerFailure): Node[] {
  if (item.turns === undefined) return [el('p', { className: 'failed-note muted', text: 'Text not kept (written by an older version).' })];
  const out: Node[] = [];
  if (item.raw)
    out.push(el('p', { className: 'failed-note muted', text: 'The response could not be read as messages; its text as it came:' }));
  item.turns.forEach((t, i) => {
    const offending = i === item.messageIndex;
    const bubble = el('div', { className: 'bubble', text: t.content });
    if (t.cut > 0) bubble.append(el('span', { className: 'cut', text: ` … ${fmt(t.cut)} more characters` }));
    const role = t.role === 'user' ? 'User' : 'Assistant';
    const label = offending ? `${role} · failed here${item.rule ? `: ${ruleLabel(item.rule)}` : ''}` : role;
    out.push(
      el('div', { className: `turn ${t.role}${offending ? ' offending' : ''}` }, [el('div', { className: 'role', text: label }), bubble]),
    );
  });
  if (item.omittedMessages)
    out.push(el('p', { className: 'failed-note muted', text: `… ${fmt(item.omittedMessages)} more messages not kept.` }));
  if (item.messageIndex !== undefined && item.messageIndex >= item.turns.length)
    out.push(el('p', { className: 'failed-note muted', text: `The offending message (${fmt(item.messageIndex + 1)}) was not kept.` }));
  return out;
}

export function renderFailed(item: ViewerFailure): HTMLElement {
  const attempts = `${fmt(item.attempts)} attempt${item.attempts === 1 ? '' : 's'}`;
  const meta: Node[] = [
    el('span', { className: 'flag flag-failed', text: 'Failed validation' }),
    el('span', { className: 'conv-id', text: item.id }),
    el('span', { className: 'tag', text: item.errorKind, attrs: { title: 'Error kind' } }),
    ...(item.rule !== undefined
      ? [el('span', { className: 'tag', text: ruleLabel(item.rule), attrs: { title: `Rule ${item.rule}` } })]
      : []),
    el('span', { text: attempts }),
    el('span', {
      className: 'line-no',
      text: `${item.sourceFile} #${fmt(item.index)}`,
      attrs: { title: 'Prompt file and conversation index' },
    }),
    el('span', { className: 'line-no', text: `Failures file line ${fmt(item.line)}` }),
  ];
  return el('li', { className: 'conversation failed', attrs: { 'data-failed-line': String(item.line) } }, [
    el('article', { attrs: { 'aria-label': `Failed conversation ${item.id}` } }, [
      el('div', { className: 'conv-meta' }, meta),
      el('p', { className: 'failed-reason', text: item.reason }),
      el('div', { className: 'chat' }, turnsOf(item)),
    ]),
  ]);
}
