// `scenario(title, options, body)`: one mocha test per user scenario. Opens a fresh workspace,
// simulator and browser context, screenshots on failure, always tears down, records wall time.
import { recordWallTime } from './harness';
import { openScenario, type Scenario, type ScenarioOptions } from './scenario';

export function scenario(title: string, options: ScenarioOptions, body: (s: Scenario) => Promise<void>, timeoutMs = 120_000): void {
  it(title, async function () {
    this.timeout(timeoutMs + 60_000);
    const started = Date.now();
    let s: Scenario | undefined;
    let state = 'failed';
    try {
      s = await openScenario(title.split(':')[0]!.trim(), options);
      await body(s);
      state = 'passed';
    } catch (err) {
      if (s) {
        const shot = await s.wb.screenshot('failure');
        const notes = await s.wb.notifications();
        const extra = [`screenshot: ${shot}`];
        if (notes.length > 0) extra.push(`notifications: ${JSON.stringify(notes)}`);
        if (err instanceof Error) err.message += `\n      ${extra.join('\n      ')}`;
      }
      throw err;
    } finally {
      await s?.close();
      recordWallTime(title, Date.now() - started, state);
    }
  });
}
