// The viewer's search and filter form. Reads to and writes from a ViewerQuery; submitting it
// starts a new view.
import type { ViewerFacets, ViewerFailures, ViewerFlag, ViewerQuery } from '../../../src/protocol/viewer-messages';
import { el } from '../dom';
import { FLAG_LABELS } from './conversation-card';

export interface FiltersView {
  element: HTMLElement;
  setFacets(facets: ViewerFacets, journal: boolean): void;
  show(query: ViewerQuery): void;
  /** The failed-validation filter's count, or why it is off. */
  setFailures(failures: ViewerFailures): void;
}

const FLAGS: ViewerFlag[] = ['refusal', 'metaCommentary', 'duplicate', 'regenerated'];

function field(label: string, control: HTMLElement, className = 'field'): HTMLElement {
  return el('label', { className }, [el('span', { className: 'field-label', text: label }), control]);
}

function option(value: string, text: string): HTMLOptionElement {
  return el('option', { text, attrs: { value } });
}

export function createFilters(apply: (q: ViewerQuery) => void): FiltersView {
  const text = el('input', { attrs: { type: 'search', name: 'text', placeholder: 'Text in any message', 'aria-label': 'Search text' } });
  const batch = el('select', { attrs: { name: 'batch' } }, [option('', 'Any')]);
  const variable = el('select', { attrs: { name: 'variable' } }, [option('', 'Any')]);
  const minTurns = el('input', { attrs: { type: 'number', min: '0', name: 'minTurns', inputmode: 'numeric' } });
  const maxTurns = el('input', { attrs: { type: 'number', min: '0', name: 'maxTurns', inputmode: 'numeric' } });
  const flagBoxes = FLAGS.map((f) => ({ flag: f, box: el('input', { attrs: { type: 'checkbox', name: `flag-${f}` } }) }));
  const broken = el('input', { attrs: { type: 'checkbox', name: 'broken' } });
  const failed = createFailedFilter();
  const flagLabels = flagBoxes.map(({ flag, box }) => el('label', { className: 'check' }, [box, el('span', { text: FLAG_LABELS[flag] })]));
  // Only a journal records regenerations.
  const journalOnly = [field('Batch', batch), field('Variable', variable), flagLabels[FLAGS.indexOf('regenerated')]!];
  const form = el('form', { className: 'filters', attrs: { role: 'search', 'aria-label': 'Search and filter conversations' } }, [
    field('Search', text, 'field grow'),
    ...journalOnly,
    field('Messages from', minTurns, 'field narrow'),
    field('to', maxTurns, 'field narrow'),
    el('fieldset', { className: 'flags' }, [
      el('legend', { text: 'Flags' }),
      ...flagLabels,
      el('label', { className: 'check' }, [broken, el('span', { text: 'Unreadable lines' })]),
      failed.label,
      failed.hint,
    ]),
    el('div', { className: 'form-buttons' }, [
      el('button', { text: 'Apply', attrs: { type: 'submit' } }),
      el('button', { className: 'secondary', text: 'Clear', attrs: { type: 'reset' } }),
    ]),
  ]);

  // What show() asked the lists to select before they had options (the journal's facets arrive
  // after the first page): selected once the options are there.
  let wantedBatch = '';
  let wantedVariable = '';

  const read = (): ViewerQuery => {
    const q: ViewerQuery = {};
    if (text.value.trim()) q.text = text.value.trim();
    // Disabled fields (see notForFailed) are not part of the query.
    if (batch.value && !batch.disabled) q.batch = batch.value;
    if (variable.value && !variable.disabled) {
      const [name, value] = JSON.parse(variable.value) as [string, string];
      q.variables = { [name]: value };
    }
    const num = (s: string) => (s.trim() === '' || !Number.isSafeInteger(Number(s)) || Number(s) < 0 ? undefined : Number(s));
    const lo = num(minTurns.value);
    const hi = num(maxTurns.value);
    if (lo !== undefined) q.minTurns = lo;
    if (hi !== undefined) q.maxTurns = hi;
    const flags = flagBoxes.filter((f) => f.box.checked && !f.box.disabled).map((f) => f.flag);
    if (flags.length) q.flags = flags;
    if (broken.checked && !broken.disabled) q.broken = true;
    if (failed.box.checked) q.failed = true;
    return q;
  };
  // The failures file keeps no batch, variables or flags: only the text and the message counts apply.
  const notForFailed = [batch, variable, broken, ...flagBoxes.map((f) => f.box)];
  const syncFailed = () => {
    for (const c of notForFailed) c.disabled = failed.box.checked;
  };
  failed.box.addEventListener('change', syncFailed);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    apply(read());
  });
  // After the browser has cleared the fields.
  form.addEventListener('reset', () => {
    wantedBatch = '';
    wantedVariable = '';
    setTimeout(() => {
      syncFailed();
      apply({});
    }, 0);
  });

  return {
    element: form,
    setFacets(facets, journal) {
      // Replacing the options must not undo what the user picked (or typed) meanwhile.
      const keepBatch = batch.value || wantedBatch;
      const keepVariable = variable.value || wantedVariable;
      for (const f of journalOnly) f.hidden = !journal;
      batch.replaceChildren(
        option('', 'Any'),
        ...Object.keys(facets.batches)
          .sort()
          .map((b) => option(b, `${b} (${facets.batches[b]!.toLocaleString('en-US')})`)),
      );
      const pairs = Object.entries(facets.variables).flatMap(([name, values]) =>
        Object.keys(values)
          .sort()
          .map((value) => option(JSON.stringify([name, value]), `${name} = ${value} (${values[value]!.toLocaleString('en-US')})`)),
      );
      variable.replaceChildren(option('', 'Any'), ...pairs);
      batch.value = keepBatch;
      variable.value = keepVariable;
      // A value the lists do not have leaves "Any" selected.
      if (batch.value !== keepBatch) batch.value = '';
      if (variable.value !== keepVariable) variable.value = '';
    },
    show(q) {
      text.value = q.text ?? '';
      wantedBatch = q.batch ?? '';
      const v = Object.entries(q.variables ?? {})[0];
      wantedVariable = v ? JSON.stringify(v) : '';
      batch.value = wantedBatch;
      variable.value = wantedVariable;
      minTurns.value = q.minTurns === undefined ? '' : String(q.minTurns);
      maxTurns.value = q.maxTurns === undefined ? '' : String(q.maxTurns);
      for (const f of flagBoxes) f.box.checked = (q.flags ?? []).includes(f.flag);
      broken.checked = q.broken === true;
      failed.box.checked = q.failed === true;
      syncFailed();
    },
    setFailures: (f) => failed.set(f),
  };
}

/** The failed-validation checkbox: its count like the lists', or off with the reason beside it. */
function createFailedFilter(): { box: HTMLInputElement; label: HTMLElement; hint: HTMLElement; set(f: ViewerFailures): void } {
  const box = el('input', { attrs: { type: 'checkbox', name: 'failed', 'aria-describedby': 'failed-hint' } });
  const text = el('span', { text: 'Failed validation' });
  const hint = el('span', { className: 'failed-hint muted', attrs: { id: 'failed-hint' } });
  hint.hidden = true;
  return {
    box,
    label: el('label', { className: 'check' }, [box, text]),
    hint,
    set(f) {
      text.textContent = `Failed validation (${f.count.toLocaleString('en-US')})`;
      // A query restored with the box checked keeps it usable, so it can be cleared.
      box.disabled = f.unavailable !== undefined && !box.checked;
      hint.hidden = f.unavailable === undefined;
      hint.textContent = f.unavailable ?? '';
    },
  };
}
