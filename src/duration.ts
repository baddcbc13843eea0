const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a duration such as `90m`, `6h`, `1d` or `1h30m` into milliseconds.
 * Returns undefined for anything else, so callers can name the input in their error.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^(\d+[smhd])+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const match of trimmed.matchAll(/(\d+)([smhd])/g)) {
    total += Number(match[1]) * (UNITS[match[2] as string] as number);
  }
  return total;
}
