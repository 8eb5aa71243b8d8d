/** Requests per generated variable: the first, then at most three asking only for what is still missing. */
export const DEFAULT_VALUE_ROUNDS = 4;
