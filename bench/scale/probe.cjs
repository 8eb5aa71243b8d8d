// Preloaded (node --require) into a benchmarked process: it writes the process's own CPU time and
// peak RSS to the file named by FORGE_BENCH_PROBE at exit, and every second before that, so a
// process killed at its time cap still leaves its figures (up to the last second).
const fs = require('node:fs');
const out = process.env.FORGE_BENCH_PROBE;
if (out) {
  const write = () => {
    const u = process.resourceUsage();
    fs.writeFileSync(out, JSON.stringify({ userMs: u.userCPUTime / 1000, systemMs: u.systemCPUTime / 1000, maxRssKb: u.maxRSS }));
  };
  setInterval(write, 1000).unref();
  process.on('exit', write);
}
