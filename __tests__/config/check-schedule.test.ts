import { checkScheduleProblem, longestGapMinutes } from '../../config/check-schedule';

describe('the subscription check schedule', () => {
  it.each([
    ['cron(0 0 * * ? *)', 24 * 60],
    ['cron(30 0 ? * * *)', 24 * 60],
    ['cron(0 0,12 * * ? *)', 12 * 60],
    ['cron(0 9,23 * * ? *)', 14 * 60],
    ['cron(0 8-17 * * ? *)', 15 * 60],
    ['cron(0 */6 * * ? *)', 6 * 60],
    ['cron(0/30 * * * ? *)', 30],
    ['rate(1 day)', 24 * 60],
    ['rate(6 hours)', 6 * 60],
    ['rate(90 minutes)', 90],
  ])('%s leaves at most %i minutes between two checks', (expression, gap) => {
    expect(longestGapMinutes(expression)).toBe(gap);
  });

  it.each(['cron(0 0 * * ? *)', 'cron(15 8,20 * * ? *)', 'rate(1 hour)', 'rate(6 days)', 'rate(120 minutes)'])('accepts %s', (expression) => {
    expect(checkScheduleProblem(expression)).toBeUndefined();
  });

  it.each([
    // Not every day: a week between checks is longer than an alarm can wait for a heartbeat.
    'cron(0 0 ? * MON *)',
    'cron(0 0 1 * ? *)',
    'rate(7 days)',
    // More often than hourly only wastes calls; a run needs no schedule finer than its heartbeat's hour.
    'cron(0/30 * * * ? *)',
    'rate(30 minutes)',
    // Malformed.
    'rate(1 days)',
    'rate(2 day)',
    'cron(0 24 * * ? *)',
    'cron(0 0 * * * *)',
    'daily',
  ])('rejects %s', (expression) => {
    expect(checkScheduleProblem(expression)).toMatch(/^a daily cron\(minutes hours \* \* \? \*\) in UTC/);
  });
});
