import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvironmentInput } from '../config/schema';
import { minimalEnvironment } from './helpers/minimal-environment';
import { runMain } from './helpers/run-main';

const valid = minimalEnvironment;

function synthesizedStack(outdir: string, environment: string): any {
  return JSON.parse(readFileSync(join(outdir, 'stacks', `ssm-agent-ops-${environment}`, 'cdk.tf.json'), 'utf8'));
}

describe('main', () => {
  it('synthesizes one stack directory per environment', () => {
    const { outdir, exitCode } = runMain([valid, { ...valid, name: 'prod', accountId: '333333333333' }]);
    expect(exitCode).toBeFalsy();
    expect(readdirSync(join(outdir, 'stacks')).sort()).toEqual(['ssm-agent-ops-dev', 'ssm-agent-ops-prod']);
    expect(existsSync(join(outdir, 'stacks', 'ssm-agent-ops-dev', 'cdk.tf.json'))).toBe(true);
  });

  it('stops on bad settings with every problem listed, a failing exit code and nothing written', () => {
    const { outdir, errors, exitCode } = runMain([
      {
        ...valid,
        alerts: { topicName: 'OPE-dev', emails: ['ops.example.com'] },
        cloudWatchAgentUpdate: { schedule: 'rate(31 days)' },
        ssmAgentUpdate: { schedule: 'cron(0 5 ? * TUE *)', maxConcurrency: 'abc' },
      },
    ]);
    expect(exitCode).toBe(1);
    expect(existsSync(outdir)).toBe(false);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('Invalid ssm-agent-ops settings (3 problems); nothing was synthesized');
    expect(errors[0]).toContain('dev › alerts.emails[0] = "ops.example.com" is not allowed');
    expect(errors[0]).toContain('dev › cloudWatchAgentUpdate.schedule = "rate(31 days)" is not allowed');
    expect(errors[0]).toContain('dev › ssmAgentUpdate.maxConcurrency = "abc" is not allowed');
  });

  describe('answers every setting that used to crash or surprise with one message, exit code 1 and nothing written', () => {
    const otherEnvironment = { ...valid, alerts: { topicName: 'OPE-other', emails: ['ops@example.com'] } };
    const fiftyTags = Object.fromEntries(Array.from({ length: 50 }, (_, index) => [`Tag${index}`, 'x']));

    it.each<[string, EnvironmentInput[], string]>([
      [
        'an e-mail address given twice',
        [{ ...valid, alerts: { topicName: 'OPE', emails: ['ops@example.com', 'ops@example.com'] } }],
        'dev › alerts.emails[1] = "ops@example.com" is not allowed; allowed: each address only once, ignoring case; alerts.emails[0] is already "ops@example.com"',
      ],
      [
        'an e-mail address given twice in different case',
        [{ ...valid, alerts: { topicName: 'OPE', emails: ['ops@example.com', 'OPS@EXAMPLE.COM'] } }],
        'dev › alerts.emails[1] = "OPS@EXAMPLE.COM" is not allowed; allowed: each address only once, ignoring case',
      ],
      [
        'dev and dev-agent in one account and region',
        [valid, { ...otherEnvironment, name: 'dev-agent' }],
        'dev-agent › name = "dev-agent" is not allowed; allowed: a name that does not start with "dev-" while environment dev shares its account (111111111111) and region (ap-northeast-1)',
      ],
      [
        'dev and dev-x in one account and region',
        [{ ...otherEnvironment, name: 'dev-x' }, valid],
        'dev-x › name = "dev-x" is not allowed; allowed: a name that does not start with "dev-" while environment dev shares its account',
      ],
      [
        'a state bucket name with adjacent periods',
        [{ ...valid, state: { bucket: 'a..b', region: 'ap-northeast-1' } }],
        'dev › state.bucket = "a..b" is not allowed; allowed: an S3 general purpose bucket name: no two adjacent periods',
      ],
      [
        'a state bucket named like an IP address',
        [{ ...valid, state: { bucket: '192.168.5.4', region: 'ap-northeast-1' } }],
        'dev › state.bucket = "192.168.5.4" is not allowed; allowed: an S3 general purpose bucket name: a name not formatted as an IP address',
      ],
      [
        '50 tags, which make 51 with the state bucket tag',
        [{ ...valid, tags: fiftyTags }],
        'allowed: at most 50 tags on a resource (AWS\'s limit), counting the Purpose tag the bootstrap stack adds to the state bucket; these make 51',
      ],
      [
        'a blank display name',
        [{ ...valid, accountDisplayName: { value: '\u3000' } }],
        'dev › accountDisplayName.value = "\u3000" is not allowed; allowed: a name that is not blank',
      ],
      [
        'a retention period CloudWatch Logs does not offer',
        [{ ...valid, logRetentionDays: 45 }],
        'dev › logRetentionDays = 45 is not allowed; allowed: a CloudWatch Logs retention in days: 1, 3, 5,',
      ],
    ])('%s', (_case, environments, expected) => {
      const { outdir, errors, exitCode } = runMain(environments);
      expect(exitCode).toBe(1);
      expect(existsSync(outdir)).toBe(false);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^Invalid ssm-agent-ops settings \(1 problem\); nothing was synthesized:\n {2}- /);
      expect(errors[0]).toContain(expected);
    });
  });

  it('keeps the defaults of the fields an object leaves out, and never-expiring logs', () => {
    const { outdir, exitCode } = runMain([{ ...valid, ssmAgentUpdate: { maxConcurrency: '10' }, logRetentionDays: 'never' }]);
    expect(exitCode).toBeFalsy();
    const stack = synthesizedStack(outdir, 'dev');
    const ssmAgent = Object.values<any>(stack.resource.aws_ssm_association).find((association) => association.name === 'AWS-UpdateSSMAgent');
    expect(ssmAgent).toMatchObject({
      association_name: 'dev-update-ssm-agent',
      schedule_expression: 'cron(0 5 ? * TUE *)',
      max_concurrency: '10',
      max_errors: '0%',
    });
    expect(Object.values<any>(stack.resource.aws_cloudwatch_log_group).map((group) => group.retention_in_days)).toEqual([0, 0, 0, 0, 0]);
  });

  it('synthesizes every environment that passes validation, however close to the limits', () => {
    // Addresses that differ only in characters construct IDs drop, and names and values at their longest.
    const displayName = '本番 $ 100% "quoted" \\ ';
    const emails = ['a.b@example.com', 'ab@example.com', 'a-b@example.com', 'a_b@example.com', "a'b@example.com", 'a+b@example.com'];
    const edge: EnvironmentInput = {
      ...valid,
      name: `e${'-x'.repeat(9)}9`,
      tags: Object.fromEntries(Array.from({ length: 49 }, (_, index) => [`${'キー'.repeat(60)}${index}`, `値 ${'v'.repeat(250)}`])),
      accountDisplayName: { value: displayName.padEnd(4096, '名') },
      alerts: { topicName: 'T'.repeat(256), emails, runbookBaseUrl: 'https://git.example.com/ops/ssm-agent-ops/blob/main/?a=1&b=%20' },
      failureAlerts: { extraDocuments: ['AWS-UpdateSSMAgent', 'AWS-RunShellScript', 'AWS-RunShellScript'], statuses: ['Failed', 'Failed'] },
      updateTargets: { tagValues: ['auto', 'auto'] },
      ssmAgentUpdate: { name: 'n'.repeat(128) },
      logRetentionDays: 3653,
    };
    const { outdir, exitCode, errors } = runMain([edge]);
    expect(errors).toEqual([]);
    expect(exitCode).toBeFalsy();
    const stack = synthesizedStack(outdir, edge.name);
    expect(Object.values<any>(stack.resource.aws_sns_topic_subscription).map((subscription) => subscription.endpoint).sort()).toEqual([...emails].sort());
    expect(Object.keys(stack.output.alert_subscriptions_pending_confirmation.value).sort()).toEqual([...emails].sort());
  });
});
