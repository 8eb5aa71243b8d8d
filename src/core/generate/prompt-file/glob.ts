/**
 * A small glob matcher for paths with `/` separators: `*` and `?` stay within one segment, a
 * `**` segment matches zero or more whole segments. No braces or classes: prompt-file patterns
 * don't need them, and Node 20 has no fs.glob to defer to.
 */
export function isGlob(pattern: string): boolean {
  return /[*?]/.test(pattern);
}

export function globToRegExp(pattern: string): RegExp {
  const segments = pattern.split('/');
  let source = '';
  segments.forEach((seg, i) => {
    const last = i === segments.length - 1;
    if (seg === '**') {
      source += last ? '.*' : '(?:[^/]+/)*';
      return;
    }
    source += seg
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]');
    if (!last) source += '/';
  });
  return new RegExp(`^${source}$`);
}

/** The directory part before the first segment with a wildcard: where a walk must start. */
export function staticPrefix(pattern: string): string {
  const segments = pattern.split('/');
  const fixed: string[] = [];
  for (const seg of segments.slice(0, -1)) {
    if (isGlob(seg)) break;
    fixed.push(seg);
  }
  return fixed.join('/');
}
