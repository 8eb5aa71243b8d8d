import * as assert from 'node:assert/strict';
import type { Diagnostic } from '../../../src/core/generate/prompt-file';
import { PromptDiagnostics } from '../../../src/vscode/prompt-files/diagnostics';
import { FakeClock } from '../../support/fake-clock';
import { FakeLog, promptFileText, TempWorkspace, until } from '../support/fakes';

describe('prompt-file diagnostics', () => {
  let ws: TempWorkspace;
  let clock: FakeClock;
  let passes: Map<string, readonly Diagnostic[]>[];
  let diagnostics: PromptDiagnostics;

  beforeEach(() => {
    ws = new TempWorkspace({ 'a.forge.yaml': promptFileText('alpha', 4), 'sub/b.forge.yaml': promptFileText('beta', 4) });
    clock = new FakeClock();
    passes = [];
    diagnostics = new PromptDiagnostics(
      ws,
      { replaceAll: (m) => passes.push(new Map(m)), clear: () => passes.push(new Map()) },
      clock,
      new FakeLog(),
      300,
    );
  });

  afterEach(() => {
    diagnostics.dispose();
    ws.dispose();
  });

  it('publishes every workspace file (clean ones with an empty list, so old problems clear)', async () => {
    await diagnostics.refresh();
    const last = passes.at(-1)!;
    assert.deepEqual([...last.keys()].sort(), [ws.path('a.forge.yaml'), ws.path('sub/b.forge.yaml')]);
    assert.deepEqual([...last.values()].flat(), []);
  });

  it('as the user types: one debounced pass over the unsaved text, with position and field', async () => {
    await diagnostics.refresh();
    const a = ws.path('a.forge.yaml');
    for (const text of ['name: alpha\nmodel: claude-haiku-5-5\ncount: -', 'name: alpha\nmodel: claude-haiku-5-5\ncount: x']) {
      ws.unsaved.set(a, text);
      diagnostics.changed();
      await clock.advance(100);
    }
    assert.equal(passes.length, 1, 'nothing while typing');
    await clock.advance(300);
    // The pass reads the workspace asynchronously after the debounce fires: wait for it.
    await until(() => passes.length >= 2);
    assert.equal(passes.length, 2);
    const problems = passes[1]!.get(a)!;
    const count = problems.find((d) => d.field === 'count')!;
    assert.equal(count.line, 3);
    assert.equal(count.column, 8);
    assert.equal(count.severity, 'error');
    // fixed in the editor: the problems go away on the next pass
    ws.unsaved.delete(a);
    diagnostics.changed();
    await clock.advance(300);
    await until(() => passes.length >= 3);
    assert.equal(passes.length, 3);
    assert.deepEqual(passes.at(-1)!.get(a), []);
  });

  it('cross-file: duplicate batch names flag both files', async () => {
    ws.write('c.forge.yaml', promptFileText('alpha', 4).replace('datasets/alpha.jsonl', 'datasets/c.jsonl'));
    await diagnostics.refresh();
    const last = passes.at(-1)!;
    for (const f of ['a.forge.yaml', 'c.forge.yaml']) {
      assert.ok(
        last.get(ws.path(f))!.some((d) => d.field === 'name' && d.severity === 'error'),
        f,
      );
    }
  });

  it('concurrent refreshes share a pass; dispose clears the panel', async () => {
    const [r1, r2] = await Promise.all([diagnostics.refresh(), diagnostics.refresh()]);
    assert.equal(r1, r2);
    diagnostics.dispose();
    assert.equal(passes.at(-1)!.size, 0);
  });
});
