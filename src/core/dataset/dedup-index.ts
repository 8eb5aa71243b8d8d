import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { datasetFiles } from '../generate/output/paths';
import type { FinderEntry } from './near-duplicates';

/**
 * What the duplicate search left for each record of a dataset, kept beside it (`x.jsonl.dedup-index`)
 * so the marking after a run compares only the run's new conversations with the rest instead of
 * reading the whole dataset again. Records are keyed by id and byte length (a conversation made again
 * under its id is a new record); the keys are the LSH bucket keys at one threshold, so an index made
 * at another threshold is not used. It is a cache: anything wrong with it and it is rebuilt, never an error.
 */
const FORMAT = 'convforge-dedup-index';
const VERSION = 1;
const FINGERPRINT_BYTES = 20;

export interface DedupIndex {
  threshold: number;
  bands: number;
  entries: Map<string, FinderEntry>;
}

export function dedupIndexPath(dataset: string): string {
  return `${datasetFiles(dataset).dataset}.dedup-index`;
}

export function recordKey(id: string, length: number): string {
  return `${id}\t${length}`;
}

/** The index of `dataset`, or undefined when there is none, it is damaged, or it was made at another threshold/banding. */
export function loadDedupIndex(dataset: string, expect?: { threshold: number; bands: number }): DedupIndex | undefined {
  const file = dedupIndexPath(dataset);
  if (!existsSync(file)) return undefined;
  try {
    const buf = readFileSync(file);
    const nl = buf.indexOf(0x0a);
    if (nl < 0) return undefined;
    const header = JSON.parse(buf.subarray(0, nl).toString('utf8')) as Record<string, unknown>;
    if (header['format'] !== FORMAT || header['version'] !== VERSION) return undefined;
    const threshold = header['threshold'];
    const bands = header['bands'];
    const count = header['entries'];
    if (typeof threshold !== 'number' || typeof bands !== 'number' || typeof count !== 'number') return undefined;
    if (expect && (expect.threshold !== threshold || expect.bands !== bands)) return undefined;
    const entries = new Map<string, FinderEntry>();
    let at = nl + 1;
    for (let i = 0; i < count; i++) {
      const keyLength = buf.readUInt16LE(at);
      const key = buf.toString('utf8', at + 2, at + 2 + keyLength);
      at += 2 + keyLength;
      const flags = buf[at++]!;
      const entry: FinderEntry = {};
      if (flags & 1) {
        entry.fingerprint = buf.toString('base64', at, at + FINGERPRINT_BYTES);
        at += FINGERPRINT_BYTES;
      }
      if (flags & 2) {
        const keys = new Uint32Array(bands);
        for (let b = 0; b < bands; b++) keys[b] = buf.readUInt32LE(at + 4 * b);
        at += 4 * bands;
        entry.keys = keys;
      }
      entries.set(key, entry);
    }
    if (at !== buf.length) return undefined;
    return { threshold, bands, entries };
  } catch {
    return undefined;
  }
}

/** Writes the index anew (a temporary file renamed over the old, so a crash leaves the old or the new). */
export function saveDedupIndex(dataset: string, index: DedupIndex): void {
  const parts: Buffer[] = [
    Buffer.from(JSON.stringify({ format: FORMAT, version: VERSION, threshold: index.threshold, bands: index.bands, entries: index.entries.size }) + '\n'),
  ];
  for (const [key, entry] of index.entries) {
    const k = Buffer.from(key, 'utf8');
    const fp = entry.fingerprint !== undefined ? Buffer.from(entry.fingerprint, 'base64') : undefined;
    const size = 2 + k.length + 1 + (fp ? FINGERPRINT_BYTES : 0) + (entry.keys ? 4 * index.bands : 0);
    const b = Buffer.alloc(size);
    b.writeUInt16LE(k.length, 0);
    k.copy(b, 2);
    let at = 2 + k.length;
    b[at++] = (fp ? 1 : 0) | (entry.keys ? 2 : 0);
    if (fp) {
      fp.copy(b, at, 0, FINGERPRINT_BYTES);
      at += FINGERPRINT_BYTES;
    }
    if (entry.keys) for (let i = 0; i < index.bands; i++) b.writeUInt32LE(entry.keys[i]!, at + 4 * i);
    parts.push(b);
  }
  const file = dedupIndexPath(dataset);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, Buffer.concat(parts));
  renameSync(temp, file);
}

/** Records dropped from a dataset leave its index (an id made again later is then compared anew). */
export function forgetInDedupIndex(dataset: string, ids: ReadonlySet<string>): void {
  const index = loadDedupIndex(dataset);
  if (!index) {
    rmSync(dedupIndexPath(dataset), { force: true });
    return;
  }
  for (const key of [...index.entries.keys()]) if (ids.has(key.slice(0, key.indexOf('\t')))) index.entries.delete(key);
  saveDedupIndex(dataset, index);
}
