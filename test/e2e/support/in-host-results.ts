// The in-host suite runs inside the extension host, and its only channel out is the console the
// launcher forwards. At the end it prints one line, this marker and JSON, so `npm run test:repeat
// -- N --e2e` can count each in-host test rather than the suite as a whole. Kept apart from the
// launcher so the bundle for the host imports nothing but this.

export const IN_HOST_RESULTS_MARKER = 'convforge-in-host-results ';

export interface InHostTests {
  passes: string[];
  failures: { title: string; message: string }[];
  pending: string[];
}

export function formatInHostResults(tests: InHostTests): string {
  return IN_HOST_RESULTS_MARKER + JSON.stringify(tests);
}

/** The last results line in the forwarded output; undefined when the suite printed none (it crashed, or timed out). */
export function parseInHostResults(output: string): InHostTests | undefined {
  const lines = output.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    const at = line.indexOf(IN_HOST_RESULTS_MARKER);
    if (at < 0) continue;
    try {
      const value = JSON.parse(line.slice(at + IN_HOST_RESULTS_MARKER.length)) as Partial<InHostTests>;
      if (!Array.isArray(value.passes) || !Array.isArray(value.failures) || !Array.isArray(value.pending)) return undefined;
      return { passes: value.passes, failures: value.failures, pending: value.pending };
    } catch {
      return undefined;
    }
  }
  return undefined;
}
