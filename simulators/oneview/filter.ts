/** One comparison of a OneView `filter` expression. */
export interface Comparison {
  attribute: string;
  op: 'EQ' | 'NE' | 'GT' | 'GE' | 'LT' | 'LE';
  value: string;
}

/** A filter in disjunctive form: OR of ANDs of comparisons (AND binds tighter, as in OneView). */
export type FilterExpression = Comparison[][];

const SYMBOLS: Record<string, Comparison['op']> = {
  '=': 'EQ',
  '==': 'EQ',
  '!=': 'NE',
  '>': 'GT',
  '>=': 'GE',
  '<': 'LT',
  '<=': 'LE',
};
const TOKEN =
  /\s*(?:(AND|OR)\b|([A-Za-z_][\w.]*)\s*(EQ|NE|GT|GE|LT|LE|==|!=|>=|<=|=|>|<)\s*('(?:[^']|'')*'|[^\s']+))/iy;

/** Parses `attr EQ 'v' AND attr2 GT 'w' OR ...` (outer double quotes optional); throws with a reason on bad syntax. */
export function parseFilter(raw: string): FilterExpression {
  let text = raw.trim();
  if (text.startsWith('"') && text.endsWith('"') && text.length >= 2) text = text.slice(1, -1).trim();
  const groups: FilterExpression = [[]];
  TOKEN.lastIndex = 0;
  let expectComparison = true;
  while (TOKEN.lastIndex < text.length) {
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) throw new Error(`cannot parse filter near '${text.slice(start, start + 20)}'`);
    if (m[1]) {
      if (expectComparison) throw new Error(`'${m[1]}' must follow a comparison`);
      if (m[1].toUpperCase() === 'OR') groups.push([]);
      expectComparison = true;
      continue;
    }
    if (!expectComparison) throw new Error(`expected AND or OR before '${m[2]}'`);
    const opText = (m[3] ?? '').toUpperCase();
    const op = SYMBOLS[opText] ?? (opText as Comparison['op']);
    let value = m[4] ?? '';
    if (value.startsWith("'")) value = value.slice(1, -1).replace(/''/g, "'");
    groups[groups.length - 1]?.push({ attribute: m[2] ?? '', op, value });
    expectComparison = false;
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
  }
  if (expectComparison) throw new Error('filter is empty or ends with AND/OR');
  return groups;
}

const TIME_ATTRIBUTES = new Set(['created', 'modified', 'clearedTime']);

/** True when a resource satisfies a parsed filter. */
export function matchesFilter(resource: Record<string, unknown>, filter: FilterExpression): boolean {
  return filter.some((group) => group.every((c) => compare(resource[c.attribute], c)));
}

function compare(actual: unknown, c: Comparison): boolean {
  if (actual === undefined || actual === null) return c.op === 'NE';
  let order: number;
  if (TIME_ATTRIBUTES.has(c.attribute)) {
    order = Math.sign(Date.parse(String(actual)) - Date.parse(c.value));
    if (Number.isNaN(order)) return false;
  } else if (typeof actual === 'number') {
    order = Math.sign(actual - Number(c.value));
  } else {
    // OneView compares strings case-insensitively.
    order = String(actual).toLowerCase().localeCompare(c.value.toLowerCase());
  }
  switch (c.op) {
    case 'EQ':
      return order === 0;
    case 'NE':
      return order !== 0;
    case 'GT':
      return order > 0;
    case 'GE':
      return order >= 0;
    case 'LT':
      return order < 0;
    case 'LE':
      return order <= 0;
  }
}
