import { scheduleProblem } from './schedule';

/**
 * The subscription check's schedule (an EventBridge schedule expression), and the longest time it can
 * leave between two checks, from which the alarm that notices a stopped check takes its window.
 */

/** A CloudWatch alarm with hourly periods looks back at most 7 days (PutMetricAlarm); one hour of that is margin. */
export const MAX_CHECK_GAP_MINUTES = 6 * 24 * 60;
const MIN_CHECK_GAP_MINUTES = 60;

const RATE_UNIT_MINUTES: Record<string, number> = { minute: 1, hour: 60, day: 24 * 60 };
const MINUTES = { min: 0, max: 59 };
const HOURS = { min: 0, max: 23 };
const ALLOWED =
  'a daily cron(minutes hours * * ? *) in UTC (lists, ranges and steps allowed in minutes and hours), or rate(N hours|days) from 1 hour to 6 days';

/** Returns what is allowed when the expression is not a schedule the check can run on, or undefined. */
export function checkScheduleProblem(expression: string): string | undefined {
  if (expression.startsWith('cron(') && scheduleProblem(expression) !== undefined) return ALLOWED;
  const rate = /^rate\(([1-9]\d*) (minute|hour|day)(s?)\)$/.exec(expression);
  // EventBridge takes the singular unit for 1 and the plural otherwise.
  if (rate && (rate[1] === '1') !== (rate[3] === '')) return ALLOWED;
  const gap = longestGapMinutes(expression);
  if (gap === undefined || gap < MIN_CHECK_GAP_MINUTES || gap > MAX_CHECK_GAP_MINUTES) return ALLOWED;
  return undefined;
}

/** The longest time between two runs of a schedule, in minutes; undefined for a schedule this cannot tell. */
export function longestGapMinutes(expression: string): number | undefined {
  const rate = /^rate\(([1-9]\d*) (minute|hour|day)s?\)$/.exec(expression);
  if (rate) return Number(rate[1]) * RATE_UNIT_MINUTES[rate[2]!]!;
  const cron = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/.exec(expression.trim());
  if (!cron) return undefined;
  const [, minutes, hours, dayOfMonth, month, dayOfWeek, year] = cron as unknown as string[];
  const everyDay = [dayOfMonth, dayOfWeek].sort().join(' ') === '* ?' && month === '*' && year === '*';
  if (!everyDay) return undefined;
  const minuteValues = expand(minutes!, MINUTES);
  const hourValues = expand(hours!, HOURS);
  if (!minuteValues || !hourValues) return undefined;
  const times = hourValues.flatMap((hour) => minuteValues.map((minute) => hour * 60 + minute)).sort((a, b) => a - b);
  // The gap that wraps past midnight counts too: from the last run of a day to the first of the next.
  return Math.max(...times.map((time, index) => (times[index + 1] ?? times[0]! + 24 * 60) - time));
}

/** The values of one cron field (`*`, `a`, `a-b`, with `/step`, comma-separated), or undefined when it has others. */
function expand(field: string, bounds: { min: number; max: number }): number[] | undefined {
  const values = new Set<number>();
  for (const item of field.split(',')) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/([1-9]\d*))?$/.exec(item);
    if (!match) return undefined;
    const start = match[1] === '*' ? bounds.min : Number(match[2]);
    const end = match[1] === '*' ? bounds.max : match[3] !== undefined ? Number(match[3]) : match[4] ? bounds.max : start;
    const step = match[4] ? Number(match[4]) : 1;
    if (start < bounds.min || end > bounds.max || start > end) return undefined;
    for (let value = start; value <= end; value += step) values.add(value);
  }
  return [...values];
}
