import { FAULT_KINDS, type FaultKind } from './fault-kinds';
import { num, obj, onlyKeys, invalid } from './option-checks';
import type { FaultScriptEntry, ResolvedFaults } from './options';

/** The `faults` part of the simulator's options, validated with the same message shape. */
/** Validates a faults patch into `target`; the script is returned separately by `parseFaultScript`. */
export function applyFaults(target: ResolvedFaults, f: Record<string, unknown>): void {
  onlyKeys('faults', f, ['rates', 'script', 'stormSeconds', 'slowFactor', 'midstreamDeltas', 'rampRetryAfterSeconds']);
  if (f.rates !== undefined) {
    const rates = obj('faults.rates', f.rates);
    onlyKeys('faults.rates', rates, FAULT_KINDS);
    for (const kind of FAULT_KINDS) {
      if (rates[kind] !== undefined) target.rates[kind] = num(`faults.rates.${kind}`, rates[kind], 0, { max: 1 });
    }
  }
  if (f.stormSeconds !== undefined) target.stormSeconds = num('faults.stormSeconds', f.stormSeconds, 0.001);
  if (f.slowFactor !== undefined) target.slowFactor = num('faults.slowFactor', f.slowFactor, 1);
  if (f.midstreamDeltas !== undefined) target.midstreamDeltas = num('faults.midstreamDeltas', f.midstreamDeltas, 0, { integer: true });
  if (f.rampRetryAfterSeconds !== undefined) {
    target.rampRetryAfterSeconds = num('faults.rampRetryAfterSeconds', f.rampRetryAfterSeconds, 1, { integer: true });
  }
  if (f.script !== undefined) parseFaultScript(f.script);
}

/** The scripted faults of a patch, validated, or undefined when the patch has none. */
export function parseFaultScript(script: unknown): FaultScriptEntry[] {
  if (!Array.isArray(script)) throw invalid('faults.script', 'an array', script);
  return script.map((raw, i) => {
    const entry = obj(`faults.script.${i}`, raw);
    onlyKeys(`faults.script.${i}`, entry, ['kind', 'count']);
    if (typeof entry.kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(entry.kind)) {
      throw invalid(`faults.script.${i}.kind`, `one of ${FAULT_KINDS.join(', ')}`, entry.kind);
    }
    const count = entry.count === undefined ? 1 : num(`faults.script.${i}.count`, entry.count, 1, { integer: true });
    return { kind: entry.kind as FaultKind, count };
  });
}
