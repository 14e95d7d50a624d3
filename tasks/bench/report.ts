// How the bench prints: number formats, aligned tables, and the budget lines every section adds.

/** One budget line of the report: what is checked, the figure measured, and whether it is within the budget. */
export interface Check {
  what: string;
  value: string;
  pass: boolean;
}

export const fmt = {
  int: (n: number) => Math.round(n).toLocaleString("en-US"),
  ms: (n: number) => `${n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0)} ms`,
  pct: (n: number) => `${(n * 100).toFixed(n < 0.1 ? 2 : 1)}%`,
  mb: (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`,
  kb: (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`,
};

/** Rows of cells as aligned columns; the first row is the header. */
export function table(rows: string[][], rightAligned: number[]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) =>
    r.map((cell, c) => rightAligned.includes(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])).join("  ")
      .trimEnd()
  ).join("\n");
}
