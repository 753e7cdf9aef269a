/**
 * Checks for State Manager association schedules. AWS accepts them only at apply time, which is the
 * worst moment to learn that a schedule is wrong, so the synth rejects them first.
 */

/** The shortest and longest rate State Manager accepts for an association, in minutes. */
export const MIN_RATE_MINUTES = 30;
export const MAX_RATE_MINUTES = 30 * 24 * 60;

const RATE_UNIT_MINUTES: Record<string, number> = { minute: 1, hour: 60, day: 24 * 60 };

interface CronField {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

const CRON_FIELDS: readonly CronField[] = [
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES },
  { name: 'day-of-week', min: 1, max: 7, names: DAY_NAMES },
  { name: 'year', min: 1970, max: 2199 },
];
const DAY_OF_MONTH = 2;
const DAY_OF_WEEK = 4;

/** Returns what is allowed when a schedule expression is not, or undefined when it is fine. */
export function scheduleProblem(expression: string): string | undefined {
  if (expression.startsWith('rate(')) return rateProblem(expression);
  if (expression.startsWith('cron(')) return cronProblem(expression);
  return 'cron(minutes hours day-of-month month day-of-week year) in UTC, or rate(N minutes|hours|days)';
}

function rateProblem(expression: string): string | undefined {
  const match = /^rate\(([1-9]\d*) (minute|hour|day)(s?)\)$/.exec(expression);
  if (!match) return 'rate(N minutes|hours|days), e.g. rate(30 days)';
  const [, countText, unit, plural] = match as unknown as [string, string, string, string];
  const count = Number(countText);
  if ((count === 1) !== (plural === '')) {
    return `rate(${count} ${unit}${count === 1 ? '' : 's'}): the unit is singular for 1 and plural otherwise`;
  }
  const minutes = count * RATE_UNIT_MINUTES[unit]!;
  if (minutes < MIN_RATE_MINUTES || minutes > MAX_RATE_MINUTES) {
    return 'a rate from 30 minutes to 30 days (the range State Manager accepts)';
  }
  return undefined;
}

function cronProblem(expression: string): string | undefined {
  const match = /^cron\((.*)\)$/.exec(expression);
  const fields = match?.[1]?.trim().split(/\s+/) ?? [];
  if (fields.length !== CRON_FIELDS.length) {
    return 'six fields: cron(minutes hours day-of-month month day-of-week year), in UTC';
  }
  for (const [index, field] of CRON_FIELDS.entries()) {
    const problem = cronFieldProblem(fields[index]!, field, index);
    if (problem) return `${field.name} field "${fields[index]}": ${problem}`;
  }
  const dayOfMonthOpen = fields[DAY_OF_MONTH] === '?';
  const dayOfWeekOpen = fields[DAY_OF_WEEK] === '?';
  if (dayOfMonthOpen === dayOfWeekOpen) {
    return '"?" in exactly one of day-of-month and day-of-week, e.g. cron(0 5 ? * TUE *)';
  }
  return undefined;
}

function cronFieldProblem(text: string, field: CronField, index: number): string | undefined {
  const allowsQuestionMark = index === DAY_OF_MONTH || index === DAY_OF_WEEK;
  if (text === '?') return allowsQuestionMark ? undefined : '"?" only in day-of-month or day-of-week';
  for (const item of text.split(',')) {
    const problem = cronItemProblem(item, field, index);
    if (problem) return problem;
  }
  return undefined;
}

function cronItemProblem(item: string, field: CronField, index: number): string | undefined {
  if (index === DAY_OF_MONTH && /^(L|LW|([1-9]|[12]\d|3[01])W)$/.test(item)) return undefined;
  if (index === DAY_OF_WEEK) {
    const lastOrNth = /^(\w+)(L|#[1-5])$/.exec(item);
    if (item === 'L') return undefined;
    if (lastOrNth) return valueProblem(lastOrNth[1]!, field);
  }
  const [range, step, ...extra] = item.split('/');
  if (extra.length > 0 || range === undefined || range === '') return 'a value, range (a-b), list (a,b) or step (a/n)';
  if (step !== undefined && !/^[1-9]\d*$/.test(step)) return `a positive step after "/", not "${step}"`;
  if (range === '*') return undefined;
  const bounds = range.split('-');
  if (bounds.length > 2) return 'a range of two values (a-b)';
  for (const bound of bounds) {
    const problem = valueProblem(bound, field);
    if (problem) return problem;
  }
  return undefined;
}

function valueProblem(value: string, field: CronField): string | undefined {
  const byName = field.names?.indexOf(value.toUpperCase() as never) ?? -1;
  if (byName >= 0) return undefined;
  if (!/^\d+$/.test(value)) return valuesAllowed(field);
  const number = Number(value);
  if (number < field.min || number > field.max) return valuesAllowed(field);
  return undefined;
}

function valuesAllowed(field: CronField): string {
  const names = field.names ? ` or ${field.names[0]}-${field.names[field.names.length - 1]}` : '';
  return `values ${field.min}-${field.max}${names}`;
}
