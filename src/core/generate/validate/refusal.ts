/**
 * Refusal openings. Kept short and anchored at the start of a message on purpose: a dataset may
 * legitimately contain an assistant that declines something mid-answer, so we only reject messages
 * that open as a flat refusal, which is what a model breaking out of the task writes.
 */
const REFUSAL_OPENINGS: readonly RegExp[] = [
  /^(?:i'm sorry|i am sorry|sorry|i apologi[sz]e)[,.]?\s+but\s+i\s+(?:can't|cannot|can not|won't|will not|am not able to|'m not able to|am unable to|'m unable to)\b/,
  /^i\s+(?:can't|cannot|can not|won't|will not)\s+(?:help|assist|comply|fulfil|fulfill|create|write|generate|produce|provide|engage|continue|role-?play)\b/,
  /^i(?:'m| am)\s+(?:not able|unable)\s+to\s+(?:help|assist|comply|fulfil|fulfill|create|write|generate|produce|provide|engage|continue|role-?play)\b/,
  /^i\s+(?:must|have to)\s+(?:decline|refuse)\b/,
];

/** True when the text opens as a refusal ("I can't help with that…"). */
export function detectRefusal(text: string): boolean {
  const opening = text
    .trim()
    .slice(0, 200)
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/^[*_"'\s]+/, '');
  return REFUSAL_OPENINGS.some((re) => re.test(opening));
}
