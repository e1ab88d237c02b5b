import type { TextTable } from './poller-status-table';

/** Formats a table as aligned, space-separated columns under their headings (no borders: easy to grep and cut). */
export function formatTable(table: TextTable): string {
  const widths = table.columns.map((c, i) => Math.max(c.length, ...table.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(table.columns), ...table.rows.map(line)].join('\n') + '\n';
}
