const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const RELATIVE = /^(\d{1,6})(s|m|h|d|w)$/;
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/**
 * How every audit query surface reads a time filter (the CLI's `--since`/`--until`, the admin
 * API's `since`/`until`): a time ago (`30s`, `15m`, `24h`, `7d`, `2w`) or an ISO-8601 date
 * (`2026-11-23`, midnight UTC) or date-time with its offset (`2026-11-23T10:00:00Z`). A date-time
 * without an offset is refused: which zone it meant would be a guess.
 */
export function parseTimeExpression(value: string, now: Date): Date | undefined {
  const relative = RELATIVE.exec(value);
  if (relative) return new Date(now.getTime() - Number(relative[1]) * UNIT_MS[relative[2]!]!);
  const iso = ISO_8601.exec(value);
  if (!iso) return undefined;
  if (iso[4] !== undefined && !/(Z|[+-]\d{2}:\d{2})$/.test(value)) return undefined;
  const [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  // Date rolls 2026-02-30 over to March 2nd; a calendar date that does not exist is refused.
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
