import { CUSTOM_ID_PATTERN } from '../../core/api/message-batch-limits';
import { failure, type ApiFailure } from '../api-failure';

/**
 * The shape checks a create body meets before a batch exists, worded as the API words validation
 * errors. The params themselves are checked only when each request runs (an invalid body comes back
 * as an `errored` line), except `stream`, which a batch never allows.
 */
export interface CreateRequest {
  readonly customId: string;
  readonly params: unknown;
}

const bad = (message: string): ApiFailure => failure(400, 'invalid_request_error', message);

export function parseCreateBody(text: string, maxRequests: number): CreateRequest[] | ApiFailure {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return bad('There was an error parsing the body of your request as JSON');
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) return bad('Request body must be a JSON object');
  const requests = (json as { requests?: unknown }).requests;
  if (requests === undefined) return bad('requests: Field required');
  if (!Array.isArray(requests)) return bad('requests: Input should be a valid list');
  if (requests.length === 0) return bad('requests: List should have at least 1 item after validation, not 0');
  if (requests.length > maxRequests) {
    return bad(`requests: List should have at most ${maxRequests} items after validation, not ${requests.length}`);
  }
  const seen = new Map<string, number>();
  const out: CreateRequest[] = [];
  for (let i = 0; i < requests.length; i++) {
    const r = requests[i] as { custom_id?: unknown; params?: unknown } | null;
    if (!r || typeof r !== 'object' || Array.isArray(r)) return bad(`requests.${i}: Input should be a valid dictionary`);
    if (r.custom_id === undefined) return bad(`requests.${i}.custom_id: Field required`);
    if (typeof r.custom_id !== 'string') return bad(`requests.${i}.custom_id: Input should be a valid string`);
    if (!CUSTOM_ID_PATTERN.test(r.custom_id)) {
      return bad(`requests.${i}.custom_id: String should match pattern '${CUSTOM_ID_PATTERN.source}'`);
    }
    const earlier = seen.get(r.custom_id);
    if (earlier !== undefined) {
      return bad(
        `requests: custom_id "${r.custom_id}" is used by requests.${earlier} and requests.${i}; each custom_id must be unique within a batch`,
      );
    }
    seen.set(r.custom_id, i);
    if (r.params === undefined) return bad(`requests.${i}.params: Field required`);
    if (!r.params || typeof r.params !== 'object' || Array.isArray(r.params))
      return bad(`requests.${i}.params: Input should be a valid dictionary`);
    if ((r.params as { stream?: unknown }).stream === true)
      return bad(`requests.${i}.params.stream: streaming is not supported in Message Batches`);
    out.push({ customId: r.custom_id, params: r.params });
  }
  return out;
}
