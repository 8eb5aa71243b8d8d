/**
 * What marks a message as a refusal, or as the generator talking about the task instead of
 * playing its part. One table, so the report, the export filter and the viewer agree.
 */
export const QUALITY_PATTERNS = {
  refusal: [
    /\bI(?:'m| am) (?:sorry,? )?(?:but )?(?:not able|unable) to (?:help|assist|provide|comply|do that)/i,
    /\bI (?:can(?:no|')t|won't|will not) (?:help|assist|provide|comply|do that|fulfil)/i,
    /\bAs an AI(?: language model)?,? I (?:can(?:no|')t|don't|do not|am not)/i,
    /\bI must (?:decline|refuse)\b/i,
  ],
  metaCommentary: [
    /^\s*(?:User|Assistant|Human|AI|Customer|Agent)\s*:/im,
    /\b(?:here(?:'s| is)|below is) (?:a|the|an?) (?:realistic |synthetic |sample )?(?:conversation|dialogue|chat|exchange)\b/i,
    /\b(?:this|the) (?:synthetic|simulated|fictional) (?:conversation|dialogue)\b/i,
    /\bas (?:the|an) (?:AI|assistant) (?:in this|playing)\b/i,
    /\b(?:role-?play(?:ing)?|in character)\b.*\b(?:user|assistant)\b/i,
  ],
} as const;

export type QualityFlag = keyof typeof QUALITY_PATTERNS;

export function flagsOf(text: string): QualityFlag[] {
  return (Object.keys(QUALITY_PATTERNS) as QualityFlag[]).filter((flag) => QUALITY_PATTERNS[flag].some((p) => p.test(text)));
}
