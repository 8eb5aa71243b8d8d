// Dollars as every front end writes them: cents from a cent up, four decimals below one, so a
// small or dry run's spend never reads "$0.00" beside an estimate of "$0.0013".

/** "$1.24", "$0.0011", "$0.00". */
export function usd(n: number): string {
  const v = Number.isFinite(n) ? n : 0;
  return v > 0 && v < 0.01 ? `$${v.toFixed(4)}` : `$${v.toFixed(2)}`;
}
