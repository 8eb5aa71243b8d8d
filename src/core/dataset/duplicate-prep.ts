import { conversationText, parseConversationRecord } from './conversation-record';
import { DEFAULT_DUPLICATE_THRESHOLD, NearDuplicateFinder } from './near-duplicates';

/** What the marking needs of a conversation before comparing it: its exact fingerprint and LSH keys. */
export interface PreparedKeys {
  readonly fingerprint: string;
  readonly keys: Uint32Array;
  /** Its shingle set, when it was kept: a candidate is then confirmed without reading the text again. */
  readonly set?: Uint32Array;
}

/** Where a record sits in its dataset, as its journal line says. */
export interface RecordPlace {
  readonly id: string;
  readonly offset: number;
  readonly length: number;
}

/** Conversations prepared ahead for the marking (mark-new-duplicates.ts), at one threshold. */
export interface PreparedDuplicates {
  readonly threshold: number;
  /** The keys of the record at `place` in `dataset`, once: undefined when it was not prepared. */
  take(dataset: string, place: RecordPlace): PreparedKeys | undefined;
}

interface Prepared extends PreparedKeys {
  readonly id: string;
  readonly length: number;
}

/**
 * About 300 bytes a conversation: enough for the runs where the marking's wait is felt (it prepares
 * about 6,000 conversations a second on a small machine), bounded for a run of a million.
 */
export const DEFAULT_PREP_CAPACITY = 50_000;

/**
 * Shingle sets kept, in bytes (about 1 KB for a short conversation). With a set at hand a
 * conversation that has candidates is confirmed without being read and shingled again, which is
 * most of what the marking does when a run's conversations resemble one another.
 */
export const DEFAULT_PREP_SET_BYTES = 16 * 1024 * 1024;

/**
 * The near-duplicate marking after a run, begun during it: each conversation is shingled and
 * hashed as it is written, while the run mostly waits on the API, instead of being read back and
 * prepared after the last answer, when the user waits for the marking. The marking takes what is
 * here and prepares the rest itself, so a conversation left out (past the capacity, or a record
 * that is not a conversation) costs only time.
 *
 * Records are known by dataset and byte offset, checked against id and length: the journal line
 * the marking reads names exactly the line that was written.
 */
export class DuplicatePrep implements PreparedDuplicates {
  private readonly finder: NearDuplicateFinder;
  private readonly byDataset = new Map<string, Map<number, Prepared>>();
  private held = 0;
  private setBytes = 0;

  constructor(
    readonly threshold = DEFAULT_DUPLICATE_THRESHOLD,
    private readonly capacity = DEFAULT_PREP_CAPACITY,
    private readonly setBudget = DEFAULT_PREP_SET_BYTES,
  ) {
    this.finder = new NearDuplicateFinder(threshold);
  }

  /** Conversations held, not yet taken. */
  get size(): number {
    return this.held;
  }

  /**
   * Prepares the record just written at `place` in `dataset` (the object that was serialized into
   * that line). Never throws: it runs after the record is committed, and whatever it could not
   * prepare the marking prepares itself.
   */
  note(dataset: string, place: RecordPlace, record: object): void {
    try {
      this.prepare(dataset, place, record);
    } catch {
      // A record this cannot handle is read back and prepared by the marking, as before this existed.
    }
  }

  private prepare(dataset: string, place: RecordPlace, record: object): void {
    if (this.held >= this.capacity) return;
    const parsed = parseConversationRecord(record);
    // Not a conversation: the marking reads that line and leaves it out, as it would have.
    if (!parsed.ok) return;
    const { fingerprint, keys, set } = this.finder.prepare(conversationText(parsed.record));
    let records = this.byDataset.get(dataset);
    if (!records) this.byDataset.set(dataset, (records = new Map()));
    const old = records.get(place.offset);
    if (old) this.setBytes -= old.set?.byteLength ?? 0;
    else this.held++;
    const keep = set instanceof Uint32Array && this.setBytes + set.byteLength <= this.setBudget;
    if (keep) this.setBytes += set.byteLength;
    records.set(place.offset, { id: place.id, length: place.length, fingerprint, keys, ...(keep ? { set } : {}) });
  }

  take(dataset: string, place: RecordPlace): PreparedKeys | undefined {
    const records = this.byDataset.get(dataset);
    const p = records?.get(place.offset);
    if (!p) return undefined;
    records!.delete(place.offset);
    this.held--;
    this.setBytes -= p.set?.byteLength ?? 0;
    // Another line now sits there (the dataset was rewritten in between): prepare it anew.
    if (p.id !== place.id || p.length !== place.length) return undefined;
    return { fingerprint: p.fingerprint, keys: p.keys, ...(p.set ? { set: p.set } : {}) };
  }
}
