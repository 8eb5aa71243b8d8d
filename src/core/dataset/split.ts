import { createHash } from 'node:crypto';

export type Split = 'train' | 'validation';

/**
 * Train or validation, decided by a hash of the conversation's id (or of its text when the dataset
 * has no journal): the same conversation lands in the same split on every export, and adding
 * conversations never moves the ones already split.
 */
export function splitOf(key: string, validationFraction: number): Split {
  if (!(validationFraction >= 0 && validationFraction < 1)) {
    throw new TypeError(`Expected \`validation\` to be a number from 0 and below 1, got \`${validationFraction}\``);
  }
  if (validationFraction === 0) return 'train';
  const u = createHash('sha256').update(key).digest().readUInt32BE(0) / 2 ** 32;
  return u < validationFraction ? 'validation' : 'train';
}
