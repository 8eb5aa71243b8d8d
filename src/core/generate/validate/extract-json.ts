/**
 * The JSON values in a model's reply, most likely first. Models wrap JSON in code fences and prose
 * however asked not to, so we try, in order: the whole text, each fenced block, then each balanced
 * {...} / [...] span from the left. The caller keeps the first value of the shape it wants, so a
 * stray "[1]" in the prose does not hide the real payload.
 */
export function* jsonValues(text: string): Generator<unknown> {
  for (const candidate of candidates(text)) {
    try {
      yield JSON.parse(candidate) as unknown;
    } catch {
      // not this one
    }
  }
}

function* candidates(text: string): Generator<string> {
  yield text.trim();
  for (const m of text.matchAll(/```[a-zA-Z0-9_-]*[ \t]*\r?\n([\s\S]*?)```/g)) yield m[1]!.trim();
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch !== '{' && ch !== '[') continue;
    const end = balancedEnd(text, i);
    if (end !== undefined) yield text.slice(i, end + 1);
  }
}

/** Index of the bracket closing the one at `start`, skipping brackets inside JSON strings. */
function balancedEnd(text: string, start: number): number | undefined {
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{') stack.push('}');
    else if (ch === '[') stack.push(']');
    else if (ch === '}' || ch === ']') {
      if (stack.pop() !== ch) return undefined;
      if (stack.length === 0) return i;
    }
  }
  return undefined;
}
