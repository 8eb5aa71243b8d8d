import { closest, nearest } from './closest';
import { describeValue } from './diagnostic';
import type { Finding } from './finding';
import { type REJECTED_PARAMETERS } from './schema-check';
import { walkKeys, type YamlSource } from './yaml-source';

const API_VERSION = '2026-10-21';

const REJECTION_REASONS: Record<(typeof REJECTED_PARAMETERS)[number], string> = {
  temperature: `not supported: the API version the SDK speaks (${API_VERSION}) rejects sampling parameters; vary the prompt or variables instead`,
  top_p: `not supported: the API version the SDK speaks (${API_VERSION}) rejects sampling parameters; vary the prompt or variables instead`,
  top_k: `not supported: the API version the SDK speaks (${API_VERSION}) rejects sampling parameters; vary the prompt or variables instead`,
  tool_choice: `not supported: current models reject forced tool use under API version ${API_VERSION}, and generation asks for text, not tool calls; remove it`,
};

/**
 * Sampling parameters and tool_choice wherever someone might put them (top level, under output,
 * under a made-up `params:` block). Keys directly under `variables` are variable names, not settings.
 */
export function checkRejectedParameters(src: YamlSource): Finding[] {
  const found: Finding[] = [];
  walkKeys(src, ({ path, key }) => {
    if (!Object.hasOwn(REJECTION_REASONS, key)) return;
    if (path.length === 2 && path[0] === 'variables') return;
    const message = REJECTION_REASONS[key as keyof typeof REJECTION_REASONS];
    found.push({ path, at: 'key', message, severity: 'error' });
  });
  return found;
}

export interface ModelLookup {
  knownModel: (id: string) => boolean;
  /** Known ids, only used to suggest the nearest one. */
  modelIds?: readonly string[];
}

export function checkModel(data: Record<string, unknown>, models: ModelLookup): Finding[] {
  const model = data['model'];
  if (typeof model !== 'string' || model === '' || models.knownModel(model)) return [];
  const guess = models.modelIds && closest(model, models.modelIds);
  const hint = guess ? ` (did you mean "${guess}"?)` : '';
  const near = !guess && models.modelIds ? nearest(model, models.modelIds) : [];
  const list = near.length > 0 ? `; closest ids: ${near.join(', ')}` : '';
  return [
    {
      path: ['model'],
      at: 'value',
      message: `unknown model: expected a model id from the models table${hint}, got ${describeValue(model)}${list}`,
      severity: 'error',
    },
  ];
}

/** The schema checks each bound; only their relation is left: an even count must fit in the range. */
export function checkTurnRange(data: Record<string, unknown>): Finding[] {
  const turns = data['turns'];
  if (!turns || typeof turns !== 'object' || Array.isArray(turns)) return [];
  const { min, max } = turns as Record<string, unknown>;
  if (!Number.isInteger(min) || !Number.isInteger(max)) return [];
  const lo = min as number;
  const hi = max as number;
  if (lo > hi) {
    return [{ path: ['turns'], at: 'value', message: `expected min <= max, got min ${lo} and max ${hi}`, severity: 'error' }];
  }
  if (evenTurnsIn(lo, hi).length === 0) {
    return [
      {
        path: ['turns'],
        at: 'value',
        message: `expected a range that contains an even number (conversations end on the assistant), got ${lo} to ${hi}`,
        severity: 'error',
      },
    ];
  }
  return [];
}

/** Even message counts from 2 up within [min, max]. */
export function evenTurnsIn(min: number, max: number): number[] {
  const out: number[] = [];
  for (let n = Math.max(2, min + (min % 2)); n <= max; n += 2) out.push(n);
  return out;
}
