// `npx tsx test/e2e/in-host/run-code-server.ts [file.test.ts …]`: the in-host suite in code-server.
import { runInHostSuite } from '../support/in-host-code-server';
import { removeRunRoot } from '../support/paths';

const files = process.argv.slice(2).filter((a) => a.endsWith('.test.ts'));
runInHostSuite(files.length > 0 ? { files } : {}).then(
  (r) => {
    console.log(`in-host suite (code-server): exit ${r.exitCode} in ${(r.wallMs / 1000).toFixed(1)} s`);
    removeRunRoot();
    process.exit(r.exitCode);
  },
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    removeRunRoot();
    process.exit(1);
  },
);
