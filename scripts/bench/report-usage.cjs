// Preloaded into a measured child process: on exit, writes its peak resident memory for the bench.
const { writeFileSync } = require('node:fs');

const target = process.env.BENCH_USAGE_FILE;
if (target) {
  process.on('exit', () => {
    writeFileSync(target, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS }));
  });
}
