// axe-core in the page: injected by evaluate (never a <script>), so the page's CSP stays as it is.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { PageGlobals } from './page-globals';

export const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface Violation {
  id: string;
  help: string;
  nodes: { target: string[]; summary: string }[];
}

/** axe must be in the page: injected through the debugging protocol, not a <script>, so the
 *  panel's CSP stays as it is. */
export async function axeViolations(page: Page): Promise<Violation[]> {
  return page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run(
            ctx: unknown,
            opts: unknown,
          ): Promise<{ violations: { id: string; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run((globalThis as unknown as PageGlobals).document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      id: v.id,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.map(String), summary: n.failureSummary ?? '' })),
    }));
  });
}

export function describeViolations(vs: Violation[]): string {
  return vs
    .map(
      (v) =>
        `${v.id} (${v.help}):\n${v.nodes
          .slice(0, 5)
          .map((n) => `    ${n.target.join(' ')}: ${n.summary.replace(/\s+/g, ' ')}`)
          .join('\n')}`,
    )
    .join('\n');
}
