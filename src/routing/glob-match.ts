/**
 * Whether `text` matches a shell-style pattern (`*` any run, `?` one character), ignoring case. Written out rather than
 * compiled to a RegExp: it runs in workflow code on every alert, and its cost stays linear in pattern times text
 * whatever an operator writes.
 */
export function globMatch(pattern: string, text: string): boolean {
  const p = [...pattern.toLowerCase()];
  const t = [...text.toLowerCase()];
  let pi = 0;
  let ti = 0;
  // Where the last `*` was, and the text position it is currently stretched to.
  let star = -1;
  let mark = 0;
  while (ti < t.length) {
    if (pi < p.length && (p[pi] === '?' || p[pi] === t[ti])) {
      pi++;
      ti++;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi++;
      mark = ti;
    } else if (star >= 0) {
      pi = star + 1;
      ti = ++mark;
    } else return false;
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}

/** Whether a pattern has wildcards (else it names one value exactly, which config checks can verify). */
export function isGlob(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}
