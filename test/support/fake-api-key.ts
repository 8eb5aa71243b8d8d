/**
 * A made-up key in the API's key format. Built at run time so that no tracked file holds a
 * literal secret scanners would take for a real key.
 */
export function fakeApiKey(label: string): string {
  return `${'sk-ant'}-${label}`;
}
