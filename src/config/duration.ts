// Parses the lifetimes operators write in .env ("15m", "7d", "900") into whole seconds.

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
const DURATION = /^(\d{1,9})\s*([smhd])?$/;

/** Seconds for "45s", "15m", "12h", "7d" or a bare number of seconds; undefined when the text is not one. */
export function parseDurationSeconds(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = (match[2] ?? 's') as keyof typeof UNIT_SECONDS;
  return amount * UNIT_SECONDS[unit];
}
