// One dataset line as the viewer draws it: a conversation as chat, or a broken line reported by
// its number. Host text only ever lands in textContent (see dom.ts).
import type { ViewerFlag, ViewerItem } from '../../../src/protocol/viewer-messages';
import { el } from '../dom';
import { renderFailed } from './failed-card';

export const FLAG_LABELS: Record<ViewerFlag, string> = {
  refusal: 'Refusal',
  metaCommentary: 'Meta-commentary',
  duplicate: 'Duplicate',
  regenerated: 'Regenerated',
};

export interface CardActions {
  openJournal(offset: number): void;
  openLine(line: number): void;
  /** Show the conversation a duplicate duplicates (by journal id, or by line). */
  showOriginal(of: { id?: string; line?: number }): void;
}

type Conversation = Extract<ViewerItem, { kind: 'conversation' }>;

/** The flag's badge, with what the journal says beside it (the original of a duplicate, the round of a regeneration). */
function flagBadge(item: Conversation, flag: ViewerFlag, actions: CardActions): Node[] {
  const badge = el('span', { className: `flag flag-${flag}`, text: FLAG_LABELS[flag] });
  const dup = item.duplicateOf;
  if (flag === 'duplicate' && dup) {
    const name = dup.id ?? `line ${dup.line!.toLocaleString('en-US')}`;
    const how = dup.marked ? 'marked in the journal' : 'found by this search';
    badge.title = `Jaccard ${dup.similarity.toFixed(2)}, ${how}`;
    const link = linkButton(
      `of ${name}`,
      () => actions.showOriginal(dup.id !== undefined ? { id: dup.id } : { line: dup.line! }),
      `Duplicate of ${name}: show the original`,
    );
    link.classList.add('duplicate-of');
    return [badge, link];
  }
  if (flag === 'regenerated' && item.regenerated !== undefined) {
    badge.textContent = `Regenerated (round ${item.regenerated})`;
    badge.title = 'Made again with a new variation by convforge dedup --regenerate (or Find Duplicates…)';
  }
  return [badge];
}

function linkButton(label: string, onClick: () => void, description: string): HTMLButtonElement {
  const b = el('button', { className: 'link-button', text: label, attrs: { type: 'button', 'aria-label': description } });
  b.addEventListener('click', onClick);
  return b;
}

/** `approximate`: the page was sought by estimate while counting, its line numbers are near, not exact. */
export function renderItem(item: ViewerItem, actions: CardActions, approximate = false): HTMLElement {
  if (item.kind === 'failed') return renderFailed(item);
  const lineText = `Line ${approximate ? '≈' : ''}${item.line.toLocaleString('en-US')}`;
  if (item.kind === 'broken') {
    return el('li', { className: 'broken-line', attrs: { 'data-line': String(item.line) } }, [
      el('span', { text: `${lineText} skipped: ${item.problem}` }),
      linkButton('Open as text', () => actions.openLine(item.line), `Open as text, line ${item.line}`),
    ]);
  }
  const meta: Node[] = [el('span', { className: 'line-no', text: lineText })];
  if (item.id !== undefined) meta.push(el('span', { className: 'conv-id', text: item.id }));
  if (item.batch !== undefined) meta.push(el('span', { className: 'tag', text: item.batch, attrs: { title: 'Batch' } }));
  for (const [name, value] of Object.entries(item.variables ?? {}))
    meta.push(el('span', { className: 'tag var', text: `${name}=${value}` }));
  for (const flag of item.flags) meta.push(...flagBadge(item, flag, actions));
  meta.push(el('span', { className: 'turn-count', text: `${item.turns.length} messages` }));
  const tools: Node[] = [];
  if (item.id !== undefined)
    tools.push(linkButton('Journal record', () => actions.openJournal(item.offset), `Journal record, line ${item.line}`));
  tools.push(linkButton('Open as text', () => actions.openLine(item.line), `Open as text, line ${item.line}`));
  const body: Node[] = [];
  if (item.system !== undefined) {
    body.push(
      el('div', { className: 'turn system' }, [
        el('div', { className: 'role', text: 'System' }),
        el('div', { className: 'bubble', text: item.system }),
      ]),
    );
  }
  for (const t of item.turns) {
    const bubble = el('div', { className: 'bubble', text: t.content });
    if (t.cut > 0)
      bubble.append(
        el('span', { className: 'cut', text: ` … ${t.cut.toLocaleString('en-US')} more characters (open as text to read them)` }),
      );
    body.push(
      el('div', { className: `turn ${t.role}` }, [
        el('div', { className: 'role', text: t.role === 'user' ? 'User' : 'Assistant' }),
        bubble,
      ]),
    );
  }
  return el('li', { className: 'conversation', attrs: { 'data-line': String(item.line) } }, [
    el('article', { attrs: { 'aria-label': `Conversation on line ${item.line}` } }, [
      el('div', { className: 'conv-meta' }, [...meta, el('span', { className: 'conv-tools' }, tools)]),
      el('div', { className: 'chat' }, body),
    ]),
  ]);
}
