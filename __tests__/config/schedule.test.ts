import { scheduleProblem } from '../../config/schedule';

describe('association schedules', () => {
  it.each([
    'cron(0 5 ? * TUE *)',
    'cron(30 14 ? * MON-FRI *)',
    'cron(0 0 1 * ? *)',
    'cron(0/15 2,3 L * ? 2026-2030)',
    'cron(0 5 ? JAN-MAR 3#2 *)',
    'cron(0 5 15W * ? *)',
    'cron(0 5 ? * 6L *)',
    'rate(30 minutes)',
    'rate(1 hour)',
    'rate(12 hours)',
    'rate(1 day)',
    'rate(30 days)',
  ])('accepts %s', (expression) => {
    expect(scheduleProblem(expression)).toBeUndefined();
  });

  it.each([
    ['rate(31 days)', 'from 30 minutes to 30 days'],
    ['rate(29 minutes)', 'from 30 minutes to 30 days'],
    ['rate(721 hours)', 'from 30 minutes to 30 days'],
    ['rate(1 days)', 'singular for 1'],
    ['rate(2 hour)', 'singular for 1'],
    ['rate(0 days)', 'rate(N minutes|hours|days)'],
    ['rate(2 weeks)', 'rate(N minutes|hours|days)'],
    ['cron(0 5 * * TUE)', 'six fields'],
    ['cron(0 0 5 ? * TUE *)', 'six fields'],
    ['cron(0 5 * * TUE *)', 'exactly one of day-of-month and day-of-week'],
    ['cron(0 5 ? * ? *)', 'exactly one of day-of-month and day-of-week'],
    ['cron(60 5 ? * TUE *)', 'minutes field "60": values 0-59'],
    ['cron(0 24 ? * TUE *)', 'hours field "24": values 0-23'],
    ['cron(0 5 32 * ? *)', 'day-of-month field "32": values 1-31'],
    ['cron(0 5 ? 13 TUE *)', 'month field "13": values 1-12 or JAN-DEC'],
    ['cron(0 5 ? * TUX *)', 'day-of-week field "TUX": values 1-7 or SUN-SAT'],
    ['cron(0 5 ? * TUE 1969)', 'year field "1969": values 1970-2199'],
    ['cron(? 5 1 * ? *)', '"?" only in day-of-month or day-of-week'],
    ['cron(0/0 5 ? * TUE *)', 'a positive step'],
    ['at(2026-01-01T00:00:00)', 'cron(minutes hours'],
    ['', 'cron(minutes hours'],
  ])('rejects %s, saying what is allowed', (expression, allowed) => {
    expect(scheduleProblem(expression)).toContain(allowed);
  });
});
