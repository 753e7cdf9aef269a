import type { Language } from '../../contract/languages';

const ZONE_LABELS: Record<string, string> = { 'Asia/Tokyo': 'JST', UTC: 'UTC', 'Etc/UTC': 'UTC' };

/**
 * A timestamp as operators read it, in the configured time zone: `2025/01/07(火) 14:00:41 JST` in
 * Japanese, `Tue 2025-01-07 14:00:41 JST` in English.
 */
export function formatTimestamp(date: Date, timeZone: string, language: Language): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat(language === 'ja' ? 'ja-JP' : 'en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  ) as Record<string, string>;
  const zone = ZONE_LABELS[timeZone] ?? timeZone;
  const clock = `${parts.hour}:${parts.minute}:${parts.second} ${zone}`;
  return language === 'ja'
    ? `${parts.year}/${parts.month}/${parts.day}(${parts.weekday}) ${clock}`
    : `${parts.weekday} ${parts.year}-${parts.month}-${parts.day} ${clock}`;
}
