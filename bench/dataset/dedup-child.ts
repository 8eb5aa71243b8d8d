import { NearDuplicateFinder } from '../../src/core/dataset/near-duplicates';
import { scanDatasets } from '../../src/core/dataset/scan-datasets';

/** Runs one dedup scan in its own process, so its peak RSS is the scan's alone. */
async function main(file: string, threshold: number): Promise<void> {
  const started = process.hrtime.bigint();
  const found: [number, number][] = [];
  let conversations = 0;
  void NearDuplicateFinder;
  for await (const s of scanDatasets([file], { threshold })) {
    if (s.kind !== 'conversation') continue;
    conversations++;
    if (s.duplicateOf) found.push([s.duplicateOf.line, s.line]);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(JSON.stringify({ conversations, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024, found }) + '\n');
}

void main(process.argv[2]!, Number(process.argv[3] ?? 0.8));
