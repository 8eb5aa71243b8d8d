// The last 100 events, newest first (the host already orders, coalesces and caps them); a
// repeated line shows its count.
import { el } from './dom';
import { formatClock } from './format';
import { changed, type View } from './view';
import type { ViewState } from './view-state';

export function createEventsList(): View {
  const memo = {};
  // Focusable, so the scrolling list can be read with the keyboard.
  const list = el('ol', { className: 'events', attrs: { reversed: '', tabindex: '0', 'aria-label': 'Events, newest first' } });
  const element = el('section', { className: 'events-section' }, [el('h2', { text: 'Events' }), list]);

  function update(state: ViewState): void {
    const events = state.panel?.events ?? [];
    if (!changed(memo, events)) return;
    list.replaceChildren(
      ...events.map((e) =>
        el('li', { className: `event event-${e.level}` }, [
          el('time', { className: 'event-time', text: formatClock(e.at), attrs: { datetime: new Date(e.at).toISOString() } }),
          el('span', { className: 'event-level', text: e.level }),
          el('span', { className: 'event-message', text: e.message }),
          ...(e.count !== undefined && e.count > 1
            ? [el('span', { className: 'event-count', text: `×${e.count}`, attrs: { title: `${e.count} times` } })]
            : []),
        ]),
      ),
    );
  }

  return { element, update };
}
