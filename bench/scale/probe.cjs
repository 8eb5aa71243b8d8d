// Preloaded (node --require) into a benchmarked process: at exit it writes the process's own CPU
// time and peak RSS to the file named by FORGE_BENCH_PROBE, so the figures are of that process alone.
const fs = require('node:fs');
const out = process.env.FORGE_BENCH_PROBE;
if (out) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    fs.writeFileSync(out, JSON.stringify({ userMs: u.userCPUTime / 1000, systemMs: u.systemCPUTime / 1000, maxRssKb: u.maxRSS }));
  });
}
