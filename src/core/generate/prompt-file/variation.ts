/**
 * The API takes no `temperature`, so two identical requests are the same draw twice. When a file's
 * `count` exceeds its combinations of variables, each pass after the first gives every conversation
 * a variation: a cue for how this user and this conversation differ, picked from the axes below
 * by the pass number, and the pass number itself, so no two requests of a file are ever identical.
 * The first pass has none: files with count ≤ combinations send exactly what they always sent.
 */
const AXES: readonly (readonly string[])[] = [
  [
    'writes tersely, in short sentences',
    'writes at length, with background details',
    'is informal and uses casual phrasing',
    'is formal and precise',
    'is unsure and asks for confirmation',
    'is in a hurry',
  ],
  [
    'opens with the main question straight away',
    'gives context before asking',
    'misunderstands something at first',
    'adds a follow-up question late in the conversation',
    'pushes back on the first answer',
  ],
  [
    'mentions concrete numbers, names or dates',
    'mentions an earlier attempt that did not work',
    'mentions a constraint of time, budget or tools',
    'keeps things general',
  ],
];

/** Distinct cue combinations before the pass number alone keeps requests apart. */
export const VARIATION_CUES = AXES.reduce((n, axis) => n * axis.length, 1);

/** The variation of pass `pass` (0 = the first pass: none). */
export function variationFor(pass: number): string | undefined {
  if (pass <= 0) return undefined;
  let rest = (pass - 1) % VARIATION_CUES;
  const cues = AXES.map((axis) => {
    const cue = axis[rest % axis.length]!;
    rest = Math.floor(rest / axis.length);
    return cue;
  });
  return `Variation ${pass}: in this conversation the user ${cues[0]}, ${cues[1]}, and ${cues[2]}.`;
}

/** How many combinations the variables give (1 without variables), capped so it never overflows. */
export function combinationCount(variables: Readonly<Record<string, readonly string[]>>): number {
  let product = 1;
  for (const values of Object.values(variables)) {
    product *= values.length;
    if (product > Number.MAX_SAFE_INTEGER / 1024) return Number.MAX_SAFE_INTEGER;
  }
  return product;
}

/**
 * What a regenerated conversation adds to its request: a dropped duplicate is made again with a cue
 * picked for this conversation and round, and the round itself, so the new request differs from the
 * one that made the duplicate and from every other round (the round is recorded in the journal).
 */
export function regenerationFor(round: number, index: number): string {
  let rest = (index * 7919 + round * 104729) % VARIATION_CUES;
  const cues = AXES.map((axis) => {
    const cue = axis[rest % axis.length]!;
    rest = Math.floor(rest / axis.length);
    return cue;
  });
  return `Regeneration ${round}: an earlier version of this conversation came out too close to another one. Make this one clearly different: the user ${cues[0]}, ${cues[1]}, and ${cues[2]}.`;
}
