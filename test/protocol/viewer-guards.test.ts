import assert from 'node:assert/strict';
import {
  isReportHostMessage,
  isReportWebviewMessage,
  isViewerHostMessage,
  isViewerWebviewMessage,
  type ReportView,
  type ViewerHostMessage,
  type ViewerWebviewMessage,
} from '../../src/protocol';

const hist = {
  count: 2,
  min: 1,
  max: 3,
  mean: 2,
  buckets: [
    { label: '<2', count: 1 },
    { label: '2+', count: 1 },
  ],
};
const report: ReportView = {
  datasets: ['a.jsonl'],
  perDataset: [
    {
      dataset: 'a.jsonl',
      conversations: 2,
      broken: 1,
      duplicates: { exact: 0, near: 1, rate: 0.5, marked: 1 },
      refusalRate: 0,
      metaCommentaryRate: 0.5,
      failures: 1,
      cost: { totalUsd: 0.01, perConversationUsd: 0.005, conversationsWithCost: 2 },
    },
  ],
  conversations: 2,
  broken: { count: 1, first: [{ dataset: 'a.jsonl', line: 3, problem: 'not JSON' }] },
  journal: true,
  byBatch: { a: 2 },
  byVariable: { tone: { calm: 2 } },
  messagesPerConversation: hist,
  tokensPerMessage: { user: hist, assistant: hist },
  distinct: { user: { distinct1: 0.5, distinct2: 0.9 }, assistant: { distinct1: 0.4, distinct2: 0.8 } },
  duplicates: { threshold: 0.8, exact: 0, near: 1, rate: 0.5, marked: 1 },
  refusalRate: 0,
  metaCommentaryRate: 0.5,
  failures: { total: 1, byKind: { validation: 1 } },
  cost: { totalUsd: 0.01, perConversationUsd: 0.005, conversationsWithCost: 2 },
};

describe('viewer and report message guards', () => {
  const hostOk: ViewerHostMessage[] = [
    { type: 'init', init: { name: 'a.jsonl', bytes: 10, journal: false } },
    { type: 'facets', facets: { batches: { a: 1 }, variables: { tone: { calm: 1 } } } },
    { type: 'index', index: { lines: 3, bytes: 10, totalBytes: 10, complete: true } },
    { type: 'scan', scan: { seq: 1, state: 'failed', bytes: 0, totalBytes: 10, matches: 0, message: 'x' } },
    {
      type: 'page',
      page: {
        seq: 1,
        start: 1,
        filtered: false,
        total: -1,
        items: [
          { kind: 'broken', line: 2, problem: 'not JSON' },
          { kind: 'conversation', line: 1, offset: 0, turns: [{ role: 'user', content: 'hi', cut: 0 }], flags: ['refusal'], id: 'c1' },
        ],
      },
    },
    { type: 'error', error: 'cannot open' },
    { type: 'notice', notice: 'c3 is not in this dataset' },
    { type: 'reveal', line: 300 },
    { type: 'failures', failures: { count: 3 } },
    { type: 'failures', failures: { count: 0, unavailable: 'no a.failed.jsonl beside the dataset' } },
    {
      type: 'page',
      page: {
        seq: 1,
        start: 0,
        filtered: true,
        total: 2,
        items: [
          {
            kind: 'failed',
            line: 4,
            id: 'c4',
            index: 4,
            sourceFile: 'a.forge.yaml',
            errorKind: 'invalid_output',
            reason: 'message 2 is a refusal',
            attempts: 3,
            time: '2026-01-02T00:00:00.000Z',
            turns: [{ role: 'assistant', content: 'no', cut: 0 }],
            rule: 'refusal',
            messageIndex: 0,
          },
          {
            kind: 'failed',
            line: 5,
            id: 'c5',
            index: 5,
            sourceFile: 'a.forge.yaml',
            errorKind: 'invalid_output',
            reason: 'x',
            attempts: 1,
            time: 't',
          },
        ],
      },
    },
    { type: 'facets', facets: { batches: {}, variables: {}, marks: { duplicates: 2, dropped: 1, regenerate: 0 } } },
    {
      type: 'page',
      page: {
        seq: 1,
        start: 1,
        filtered: false,
        total: 2,
        items: [
          {
            kind: 'conversation',
            line: 2,
            offset: 9,
            turns: [],
            flags: ['duplicate', 'regenerated'],
            id: 'c2',
            duplicateOf: { id: 'c1', similarity: 0.9, marked: true },
            regenerated: 2,
          },
          {
            kind: 'conversation',
            line: 3,
            offset: 19,
            turns: [],
            flags: ['duplicate'],
            duplicateOf: { line: 1, similarity: 1, marked: false },
          },
        ],
      },
    },
  ];
  for (const m of hostOk) it(`accepts host ${m.type}`, () => assert.equal(isViewerHostMessage(m), true));

  const hostBad: [string, unknown][] = [
    ['an unknown type', { type: 'state', state: {} }],
    ['a failures count that is not a count', { type: 'failures', failures: { count: -1 } }],
    [
      'a failed item without its reason',
      {
        type: 'page',
        page: {
          seq: 1,
          start: 0,
          filtered: true,
          total: 1,
          items: [{ kind: 'failed', line: 5, id: 'c5', index: 5, sourceFile: 'f', errorKind: 'invalid_output', attempts: 1, time: 't' }],
        },
      },
    ],
    ['an extra key', { type: 'error', error: 'x', more: 1 }],
    [
      'a line 0',
      { type: 'page', page: { seq: 1, start: 1, filtered: false, total: 1, items: [{ kind: 'broken', line: 0, problem: 'x' }] } },
    ],
    [
      'a system role in turns',
      {
        type: 'page',
        page: {
          seq: 1,
          start: 1,
          filtered: false,
          total: 1,
          items: [{ kind: 'conversation', line: 1, offset: 0, turns: [{ role: 'system', content: 'x', cut: 0 }], flags: [] }],
        },
      },
    ],
    [
      'an unknown flag',
      {
        type: 'page',
        page: {
          seq: 1,
          start: 1,
          filtered: false,
          total: 1,
          items: [{ kind: 'conversation', line: 1, offset: 0, turns: [], flags: ['spam'] }],
        },
      },
    ],
    ['a total below -1', { type: 'page', page: { seq: 1, start: 1, filtered: false, total: -2, items: [] } }],
    [
      'a duplicate naming neither id nor line',
      {
        type: 'page',
        page: {
          seq: 1,
          start: 1,
          filtered: false,
          total: 1,
          items: [{ kind: 'conversation', line: 1, offset: 0, turns: [], flags: [], duplicateOf: { similarity: 1, marked: true } }],
        },
      },
    ],
    ['a reveal of line 0', { type: 'reveal', line: 0 }],
    ['an unknown scan state', { type: 'scan', scan: { seq: 1, state: 'paused', bytes: 0, totalBytes: 0, matches: 0 } }],
  ];
  for (const [why, m] of hostBad) it(`rejects host message with ${why}`, () => assert.equal(isViewerHostMessage(m), false));

  const webviewOk: ViewerWebviewMessage[] = [
    { type: 'ready' },
    {
      type: 'query',
      seq: 3,
      query: { text: 'x', batch: 'b', variables: { tone: 'calm' }, minTurns: 2, maxTurns: 8, flags: ['duplicate'], broken: false },
    },
    { type: 'query', seq: 4, query: { failed: true, text: 'tyres' } },
    { type: 'page', seq: 3, start: 0 },
    { type: 'cancelScan' },
    { type: 'openJournal', offset: 123 },
    { type: 'openLine', line: 5 },
    { type: 'showReport' },
    { type: 'showOriginal', id: 'c1' },
    { type: 'showOriginal', line: 4 },
  ];
  for (const m of webviewOk) it(`accepts webview ${m.type}`, () => assert.equal(isViewerWebviewMessage(m), true));

  const webviewBad: [string, unknown][] = [
    ['a negative offset', { type: 'openJournal', offset: -1 }],
    ['line 0', { type: 'openLine', line: 0 }],
    ['a query with an unknown key', { type: 'query', seq: 1, query: { regex: '.*' } }],
    ['a failed filter that is not a boolean', { type: 'query', seq: 1, query: { failed: 'yes' } }],
    ['a query with a huge text', { type: 'query', seq: 1, query: { text: 'x'.repeat(2000) } }],
    ['a fractional page start', { type: 'page', seq: 1, start: 1.5 }],
    ['extra keys', { type: 'ready', x: 1 }],
    ['an original named by nothing', { type: 'showOriginal' }],
  ];
  for (const [why, m] of webviewBad) it(`rejects webview message with ${why}`, () => assert.equal(isViewerWebviewMessage(m), false));

  it('accepts a report and rejects one with a rate above 1 or a missing histogram', () => {
    assert.equal(isReportHostMessage({ type: 'report', report, title: 'a.jsonl' }), true);
    assert.equal(isReportHostMessage({ type: 'report', report: { ...report, refusalRate: 1.5 }, title: 'a' }), false);
    assert.equal(isReportHostMessage({ type: 'report', report: { ...report, messagesPerConversation: undefined }, title: 'a' }), false);
    const badFigures = { ...report, perDataset: [{ ...report.perDataset[0]!, refusalRate: 2 }] };
    assert.equal(isReportHostMessage({ type: 'report', report: badFigures, title: 'a' }), false);
    assert.equal(isReportHostMessage({ type: 'reportStatus', state: 'running', message: 'Reading' }), true);
    assert.equal(isReportWebviewMessage({ type: 'openViewer', dataset: '' }), false);
    assert.equal(isReportWebviewMessage({ type: 'refresh' }), true);
  });
});
