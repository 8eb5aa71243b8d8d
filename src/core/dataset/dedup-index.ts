import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { datasetFiles } from '../generate/output/paths';
import type { FinderEntry } from './near-duplicates';

/**
 * What the duplicate search left for each record of a dataset, kept beside it (`x.jsonl.dedup-index`)
 * so the marking after a run compares only the run's new conversations with the rest instead of
 * reading the whole dataset again. Records are keyed by id and byte length (a conversation made again
 * under its id is a new record); the keys are the LSH bucket keys at one threshold, so an index made
 * at another threshold is not used. It is a cache: anything wrong with it and it is rebuilt, never an error.
 *
 * Loading keeps each record's bytes as they are (no per-record decoding): a pass over 200,000
 * records only reads the few fields it compares, and writes the records it keeps back verbatim.
 */
const FORMAT = 'convforge-dedup-index';
const VERSION = 1;
const FINGERPRINT_BYTES = 20;

/** One record of a loaded index: its bytes in the file, and where its fields sit in them. */
export interface IndexRecord {
  readonly raw: Buffer;
  /** Offsets into `raw`; absent when the record has no such field. */
  readonly fingerprintAt?: number;
  readonly keysAt?: number;
}

export interface DedupIndex {
  threshold: number;
  bands: number;
  records: Map<string, IndexRecord>;
}

export function dedupIndexPath(dataset: string): string {
  return `${datasetFiles(dataset).dataset}.dedup-index`;
}

export function recordKey(id: string, length: number): string {
  return `${id}\t${length}`;
}

export function fingerprintOf(r: IndexRecord): string | undefined {
  return r.fingerprintAt === undefined ? undefined : r.raw.toString('base64', r.fingerprintAt, r.fingerprintAt + FINGERPRINT_BYTES);
}

/** Band `b`'s LSH key of the record, undefined when it was a duplicate (not indexed). */
export function keyAt(r: IndexRecord, b: number): number | undefined {
  return r.keysAt === undefined ? undefined : r.raw.readUInt32LE(r.keysAt + 4 * b);
}

export function entryOf(r: IndexRecord, bands: number): FinderEntry {
  const entry: FinderEntry = {};
  const fingerprint = fingerprintOf(r);
  if (fingerprint !== undefined) entry.fingerprint = fingerprint;
  if (r.keysAt !== undefined) {
    const keys = new Uint32Array(bands);
    for (let b = 0; b < bands; b++) keys[b] = r.raw.readUInt32LE(r.keysAt + 4 * b);
    entry.keys = keys;
  }
  return entry;
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
    const records = new Map<string, IndexRecord>();
    let at = nl + 1;
    for (let i = 0; i < count; i++) {
      const start = at;
      const keyLength = buf.readUInt16LE(at);
      const key = buf.toString('utf8', at + 2, at + 2 + keyLength);
      at += 2 + keyLength;
      const flags = buf[at++];
      if (flags === undefined || flags > 3) return undefined;
      const fingerprintAt = flags & 1 ? at - start : undefined;
      if (flags & 1) at += FINGERPRINT_BYTES;
      const keysAt = flags & 2 ? at - start : undefined;
      if (flags & 2) at += 4 * bands;
      if (at > buf.length) return undefined;
      records.set(key, {
        raw: buf.subarray(start, at),
        ...(fingerprintAt !== undefined ? { fingerprintAt } : {}),
        ...(keysAt !== undefined ? { keysAt } : {}),
      });
    }
    if (at !== buf.length) return undefined;
    return { threshold, bands, records };
  } catch {
    return undefined;
  }
}

/** A record's bytes for an entry the finder left. */
export function encodeRecord(key: string, entry: FinderEntry, bands: number): IndexRecord {
  const keyBytes = Buffer.byteLength(key, 'utf8');
  const fp = entry.fingerprint;
  // From the shared pool (records are small and there is one per conversation); every byte is written below.
  const raw = Buffer.allocUnsafe(2 + keyBytes + 1 + (fp !== undefined ? FINGERPRINT_BYTES : 0) + (entry.keys ? 4 * bands : 0));
  raw.writeUInt16LE(keyBytes, 0);
  raw.write(key, 2, keyBytes, 'utf8');
  let at = 2 + keyBytes;
  raw[at++] = (fp !== undefined ? 1 : 0) | (entry.keys ? 2 : 0);
  const fingerprintAt = fp !== undefined ? at : undefined;
  if (fp !== undefined) {
    const written = raw.write(fp, at, FINGERPRINT_BYTES, 'base64');
    raw.fill(0, at + written, at + FINGERPRINT_BYTES);
    at += FINGERPRINT_BYTES;
  }
  const keysAt = entry.keys ? at : undefined;
  if (entry.keys) for (let i = 0; i < bands; i++) raw.writeUInt32LE(entry.keys[i]!, at + 4 * i);
  return { raw, ...(fingerprintAt !== undefined ? { fingerprintAt } : {}), ...(keysAt !== undefined ? { keysAt } : {}) };
}

/** Writes the index anew (a temporary file renamed over the old, so a crash leaves the old or the new). */
export function saveDedupIndex(dataset: string, index: DedupIndex): void {
  const header = JSON.stringify({
    format: FORMAT,
    version: VERSION,
    threshold: index.threshold,
    bands: index.bands,
    entries: index.records.size,
  });
  const file = dedupIndexPath(dataset);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, Buffer.concat([Buffer.from(header + '\n'), ...[...index.records.values()].map((r) => r.raw)]));
  renameSync(temp, file);
}

/** Records dropped from a dataset leave its index (an id made again later is then compared anew). */
export function forgetInDedupIndex(dataset: string, ids: ReadonlySet<string>): void {
  const index = loadDedupIndex(dataset);
  if (!index) {
    rmSync(dedupIndexPath(dataset), { force: true });
    return;
  }
  for (const key of [...index.records.keys()]) if (ids.has(key.slice(0, key.indexOf('\t')))) index.records.delete(key);
  saveDedupIndex(dataset, index);
}
