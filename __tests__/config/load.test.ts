import { environments } from '../../config/environments';
import { ConfigurationError, loadEnvironments } from '../../config/load';
import { LOG_RETENTION_DAYS } from '../../config/schema';
import { minimalEnvironment } from '../helpers/minimal-environment';

const valid = minimalEnvironment;

function problemsOf(inputs: unknown[], overrides = {}): string[] {
  try {
    loadEnvironments(inputs, overrides);
  } catch (error) {
    if (error instanceof ConfigurationError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the settings to be rejected');
}

function problemOf(change: Record<string, unknown>): string {
  const problems = problemsOf([{ ...valid, ...change }]);
  expect(problems).toHaveLength(1);
  return problems[0]!;
}

describe('environment settings', () => {
  it('accepts the example environments shipped in the repository', () => {
    expect(loadEnvironments(environments).map((environment) => environment.name)).toEqual(['dev', 'stg', 'prod', 'ops-hub', 'web', 'batch']);
  });

  it('fills in the SPEC defaults', () => {
    const [settings] = loadEnvironments([valid]);
    expect(settings).toMatchObject({
      alerts: { language: 'ja', timeZone: 'Asia/Tokyo' },
      updateTargets: { tagKey: 'ope-type', tagValues: ['auto'] },
      ssmAgentUpdate: { name: 'dev-update-ssm-agent', schedule: 'cron(0 5 ? * TUE *)', maxConcurrency: '100%', maxErrors: '0%' },
      cloudWatchAgentUpdate: { name: 'dev-update-cloudwatch-agent', schedule: 'rate(30 days)', maxConcurrency: '100%', maxErrors: '0%' },
      lambdaPackaging: 'archive',
      logRetentionDays: 90,
      accountDisplayName: { create: true, value: '開発アカウント', parameterName: '/ops/ssm-agent-ops/dev/account-display-name' },
    });
  });

  it('gives the display name parameter a default name Parameter Store accepts, the rule a written name must obey too', () => {
    const [settings] = loadEnvironments([valid]);
    // Parameter Store rejects names prefixed with "aws" or "ssm" (case-insensitive), hierarchy or not.
    expect(settings!.accountDisplayName.parameterName).not.toMatch(/^\/?(aws|ssm)/i);
    expect(() => loadEnvironments([{ ...valid, accountDisplayName: { value: '開発', parameterName: '/ssm-agent-ops/dev/name' } }])).toThrow(
      'accountDisplayName.parameterName = "/ssm-agent-ops/dev/name" is not allowed',
    );
  });

  describe('keeps the documented defaults of the fields an object leaves out', () => {
    const defaults = loadEnvironments([valid])[0]!;

    it.each<[string, Record<string, unknown>, (settings: typeof defaults) => unknown, unknown]>([
      ['ssmAgentUpdate', { ssmAgentUpdate: { maxConcurrency: '10' } }, (s) => s.ssmAgentUpdate, { ...defaults.ssmAgentUpdate, maxConcurrency: '10' }],
      ['ssmAgentUpdate', { ssmAgentUpdate: { name: 'patch-ssm-agent' } }, (s) => s.ssmAgentUpdate, { ...defaults.ssmAgentUpdate, name: 'patch-ssm-agent' }],
      ['cloudWatchAgentUpdate', { cloudWatchAgentUpdate: { maxErrors: '5' } }, (s) => s.cloudWatchAgentUpdate, { ...defaults.cloudWatchAgentUpdate, maxErrors: '5' }],
      ['cloudWatchAgentUpdate', { cloudWatchAgentUpdate: { schedule: 'rate(7 days)' } }, (s) => s.cloudWatchAgentUpdate, { ...defaults.cloudWatchAgentUpdate, schedule: 'rate(7 days)' }],
      ['failureAlerts', { failureAlerts: { statuses: ['Cancelled'] } }, (s) => s.failureAlerts, { extraDocuments: [], statuses: ['Cancelled'] }],
      ['failureAlerts', { failureAlerts: { extraDocuments: ['AWS-RunShellScript'] } }, (s) => s.failureAlerts, { extraDocuments: ['AWS-RunShellScript'], statuses: ['Failed', 'TimedOut'] }],
      ['updateTargets', { updateTargets: { tagValues: ['auto', 'weekly'] } }, (s) => s.updateTargets, { tagKey: 'ope-type', tagValues: ['auto', 'weekly'] }],
      ['updateTargets', { updateTargets: { tagKey: 'patch-group' } }, (s) => s.updateTargets, { tagKey: 'patch-group', tagValues: ['auto'] }],
      ['agentMonitor', { agentMonitor: {} }, (s) => s.agentMonitor, { scope: 'all', inventoryMinutes: 15, sweepMinutes: 120, alarmWritesPerSecond: 3, muteTag: { key: 'ssm-agent-ops:mute', value: 'true' }, startGraceMinutes: 10, missingScope: 'update-targets', storm: { threshold: 10, windowMinutes: 5 } }],
      ['agentMonitor', { agentMonitor: { alarmWritesPerSecond: 10 } }, (s) => s.agentMonitor, { scope: 'all', inventoryMinutes: 15, sweepMinutes: 120, alarmWritesPerSecond: 10, muteTag: { key: 'ssm-agent-ops:mute', value: 'true' }, startGraceMinutes: 10, missingScope: 'update-targets', storm: { threshold: 10, windowMinutes: 5 } }],
      ['agentMonitor', { agentMonitor: { muteTag: { key: 'maintenance' }, storm: { threshold: 50 } } }, (s) => s.agentMonitor.muteTag.key + s.agentMonitor.muteTag.value + s.agentMonitor.storm.threshold + '/' + s.agentMonitor.storm.windowMinutes, 'maintenancetrue50/5'],
      ['alerts', { alerts: { topicName: 'OPE', emails: ['ops@example.com'], language: 'en' } }, (s) => s.alerts, { topicName: 'OPE', emails: ['ops@example.com'], language: 'en', timeZone: 'Asia/Tokyo' }],
    ])('%s: %j', (_object, change, pick, expected) => {
      expect(pick(loadEnvironments([{ ...valid, ...change }])[0]!)).toEqual(expected);
    });

    it('documents the defaults that fill in an object left out', () => {
      expect(defaults.ssmAgentUpdate).toEqual({ name: 'dev-update-ssm-agent', schedule: 'cron(0 5 ? * TUE *)', maxConcurrency: '100%', maxErrors: '0%' });
      expect(defaults.failureAlerts).toEqual({ extraDocuments: [], statuses: ['Failed', 'TimedOut'] });
      expect(defaults.agentMonitor).toEqual({
        scope: 'all',
        inventoryMinutes: 15,
        sweepMinutes: 120,
        alarmWritesPerSecond: 3,
        muteTag: { key: 'ssm-agent-ops:mute', value: 'true' },
        startGraceMinutes: 10,
        missingScope: 'update-targets',
        storm: { threshold: 10, windowMinutes: 5 },
      });
      expect(defaults.weeklyReport).toEqual({ schedule: 'cron(0 0 ? * MON *)', cloudWatchAgentNamespace: 'CWAgent' });
    });
  });

  it('references an existing display-name parameter instead of creating one', () => {
    const [settings] = loadEnvironments([{ ...valid, accountDisplayName: { existingParameterName: '/org/account-name' } }]);
    expect(settings!.accountDisplayName).toEqual({ create: false, parameterName: '/org/account-name' });
  });

  describe('names the environment, the field, the value and what is allowed', () => {
    it.each<[string, Record<string, unknown>, string]>([
      ['environment name', { name: 'Prod_1' }, 'Prod_1 › name = "Prod_1" is not allowed; allowed: lower-case letters'],
      ['account ID', { accountId: '1234' }, 'dev › accountId = "1234" is not allowed; allowed: a 12-digit AWS account ID'],
      ['region', { region: 'tokyo' }, 'dev › region = "tokyo" is not allowed; allowed: an AWS region code'],
      ['tag key', { tags: { 'aws:owner': 'x' } }, 'dev › tags.aws:owner: key "aws:owner" is not allowed; allowed: a key that does not start with "aws:"'],
      ['tag value', { tags: { Owner: 'a|b' } }, 'dev › tags.Owner = "a|b" is not allowed; allowed: a tag value'],
      ['state bucket', { state: { bucket: 'Bad_Bucket', region: 'ap-northeast-1' } }, 'dev › state.bucket = "Bad_Bucket" is not allowed; allowed: an S3 general purpose bucket name: only lower-case letters, digits, "." and "-"'],
      ['state bucket with adjacent periods', { state: { bucket: 'a..b', region: 'ap-northeast-1' } }, 'dev › state.bucket = "a..b" is not allowed; allowed: an S3 general purpose bucket name: no two adjacent periods'],
      ['state bucket like an IP address', { state: { bucket: '192.168.5.4', region: 'ap-northeast-1' } }, 'dev › state.bucket = "192.168.5.4" is not allowed; allowed: an S3 general purpose bucket name: a name not formatted as an IP address'],
      ['blank display name', { accountDisplayName: { value: ' \u3000\t' } }, 'dev › accountDisplayName.value = " \u3000\\t" is not allowed; allowed: a name that is not blank'],
      ['empty display name', { accountDisplayName: { value: '' } }, 'dev › accountDisplayName.value = "" is not allowed; allowed: a name that is not blank'],
      ['display name with Terraform syntax', { accountDisplayName: { value: '本番 ${var.x}' } }, 'dev › accountDisplayName.value = "本番 ${var.x}" is not allowed; allowed: text without "${" or "%{"'],
      ['runbook URL with Terraform syntax', { alerts: { topicName: 'OPE', emails: ['ops@example.com'], runbookBaseUrl: 'https://git.example.com/%{x}/' } }, 'dev › alerts.runbookBaseUrl = "https://git.example.com/%{x}/" is not allowed; allowed: text without "${" or "%{"'],
      ['repeated e-mail address', { alerts: { topicName: 'OPE', emails: ['ops@example.com', 'oncall@example.com', 'ops@example.com'] } }, 'dev › alerts.emails[2] = "ops@example.com" is not allowed; allowed: each address only once, ignoring case; alerts.emails[0] is already "ops@example.com"'],
      ['e-mail address repeated in another case', { alerts: { topicName: 'OPE', emails: ['Ops@Example.com', 'ops@example.COM'] } }, 'dev › alerts.emails[1] = "ops@example.COM" is not allowed; allowed: each address only once, ignoring case; alerts.emails[0] is already "Ops@Example.com"'],
      ['unknown association field', { ssmAgentUpdate: { maxConcurency: '10' } }, 'dev › ssmAgentUpdate: unknown field maxConcurency'],
      ['e-mail address', { alerts: { topicName: 'OPE', emails: ['ops@example.com', 'not-an-address'] } }, 'dev › alerts.emails[1] = "not-an-address" is not allowed; allowed: an e-mail address'],
      ['no e-mail address', { alerts: { topicName: 'OPE', emails: [] } }, 'dev › alerts.emails = [] is not allowed; allowed: at least one e-mail address'],
      ['topic name', { alerts: { topicName: 'OPE alerts', emails: ['ops@example.com'] } }, 'dev › alerts.topicName = "OPE alerts" is not allowed; allowed: an SNS topic name'],
      ['language', { alerts: { topicName: 'OPE', emails: ['ops@example.com'], language: 'fr' } }, 'dev › alerts.language = "fr" is not allowed; allowed: one of ja, en'],
      ['time zone', { alerts: { topicName: 'OPE', emails: ['ops@example.com'], timeZone: 'Tokyo' } }, 'dev › alerts.timeZone = "Tokyo" is not allowed; allowed: an IANA time zone'],
      ['target tag key', { updateTargets: { tagKey: '', tagValues: ['auto'] } }, 'dev › updateTargets.tagKey = "" is not allowed; allowed: a tag key'],
      ['target tag values', { updateTargets: { tagKey: 'ope-type', tagValues: [] } }, 'dev › updateTargets.tagValues = [] is not allowed; allowed: at least one tag value'],
      ['schedule (rate)', { cloudWatchAgentUpdate: { schedule: 'rate(31 days)' } }, 'dev › cloudWatchAgentUpdate.schedule = "rate(31 days)" is not allowed; allowed: a rate from 30 minutes to 30 days'],
      ['schedule (cron)', { ssmAgentUpdate: { schedule: 'cron(0 5 * * TUE *)' } }, 'dev › ssmAgentUpdate.schedule = "cron(0 5 * * TUE *)" is not allowed; allowed: "?" in exactly one'],
      ['MaxConcurrency', { ssmAgentUpdate: { schedule: 'rate(1 day)', maxConcurrency: 'abc' } }, 'dev › ssmAgentUpdate.maxConcurrency = "abc" is not allowed; allowed: a count such as 10 or a percentage from 1% to 100%'],
      ['MaxConcurrency of 0%', { ssmAgentUpdate: { schedule: 'rate(1 day)', maxConcurrency: '0%' } }, 'dev › ssmAgentUpdate.maxConcurrency = "0%" is not allowed'],
      ['MaxErrors', { ssmAgentUpdate: { schedule: 'rate(1 day)', maxErrors: '101%' } }, 'dev › ssmAgentUpdate.maxErrors = "101%" is not allowed; allowed: a count such as 0 or 10, or a percentage from 0% to 100%'],
      ['association name', { ssmAgentUpdate: { schedule: 'rate(1 day)', name: 'ab' } }, 'dev › ssmAgentUpdate.name = "ab" is not allowed; allowed: 3-128 characters from a-z A-Z 0-9 _ - .'],
      ['display name parameter', { accountDisplayName: { existingParameterName: 'no-slash' } }, 'dev › accountDisplayName.existingParameterName = "no-slash" is not allowed; allowed: a hierarchical SSM parameter name'],
      ['display name shape', { accountDisplayName: { value: '本番', existingParameterName: '/a/b' } }, 'dev › accountDisplayName = {"value":"本番","existingParameterName":"/a/b"} is not allowed; allowed: either { value }'],
      ['packaging', { lambdaPackaging: 'zip' }, 'dev › lambdaPackaging = "zip" is not allowed; allowed: one of archive, asset'],
      ['log retention', { logRetentionDays: 45 }, 'dev › logRetentionDays = 45 is not allowed; allowed: a CloudWatch Logs retention in days: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731 (2 years), 1096 (3 years), 1827 (5 years), 2192 (6 years), 2557 (7 years), 2922 (8 years), 3288 (9 years), 3653 (10 years); or "never" to keep logs forever'],
      ['log retention of 0', { logRetentionDays: 0 }, 'dev › logRetentionDays = 0 is not allowed; allowed: a CloudWatch Logs retention in days: 1, 3,'],
      ['log retention as text', { logRetentionDays: '90' }, 'dev › logRetentionDays = "90" is not allowed; allowed: a CloudWatch Logs retention in days: 1, 3,'],
      ['weekly report schedule', { weeklyReport: { schedule: 'cron(0 0 * * MON *)' } }, 'dev › weeklyReport.schedule = "cron(0 0 * * MON *)" is not allowed; allowed: "?" in exactly one of day-of-month and day-of-week, e.g. cron(0 5 ? * TUE *)'],
      ['CloudWatch Agent namespace of AWS', { weeklyReport: { cloudWatchAgentNamespace: 'AWS/EC2' } }, 'dev › weeklyReport.cloudWatchAgentNamespace = "AWS/EC2" is not allowed; allowed: a namespace that does not start with "AWS/" (reserved by AWS)'],
      ['inventory period', { agentMonitor: { inventoryMinutes: 2 } }, 'dev › agentMonitor.inventoryMinutes = 2 is not allowed; allowed: whole minutes from 5 to 60'],
      ['inventory period in fractions', { agentMonitor: { inventoryMinutes: 7.5 } }, 'dev › agentMonitor.inventoryMinutes = 7.5 is not allowed; allowed: whole minutes from 5 to 60'],
      ['sweep shorter than the inventory period', { agentMonitor: { inventoryMinutes: 30, sweepMinutes: 15 } }, 'dev › agentMonitor.sweepMinutes = 15 is not allowed; allowed: at least agentMonitor.inventoryMinutes (30)'],
      ['sweep longer than a day', { agentMonitor: { sweepMinutes: 2000 } }, 'dev › agentMonitor.sweepMinutes = 2000 is not allowed; allowed: whole minutes from 5 to 1440 (a day)'],
      ['alarm write rate', { agentMonitor: { alarmWritesPerSecond: 0 } }, "dev › agentMonitor.alarmWritesPerSecond = 0 is not allowed; allowed: calls per second from 0.5 to 100: the account's PutMetricAlarm quota (3 unless raised) or less"],
      ['start grace in fractions', { agentMonitor: { startGraceMinutes: 2.5 } }, 'dev › agentMonitor.startGraceMinutes = 2.5 is not allowed; allowed: whole minutes from 0 to 120'],
      ['missing scope', { agentMonitor: { missingScope: 'everything' } }, 'dev › agentMonitor.missingScope = "everything" is not allowed; allowed: one of update-targets, all-running, off'],
      ['storm threshold', { agentMonitor: { storm: { threshold: 0 } } }, 'dev › agentMonitor.storm.threshold = 0 is not allowed; allowed: a whole number of transitions from 1 to 1000'],
      ['storm window', { agentMonitor: { storm: { windowMinutes: 90 } } }, 'dev › agentMonitor.storm.windowMinutes = 90 is not allowed; allowed: whole minutes from 1 to 60'],
      ['mute tag key reserved by AWS', { agentMonitor: { muteTag: { key: 'aws:mute' } } }, 'dev › agentMonitor.muteTag.key = "aws:mute" is not allowed; allowed: a key that does not start with "aws:" (reserved by AWS)'],
      ['alarm write rate as text', { agentMonitor: { alarmWritesPerSecond: '3' } }, 'dev › agentMonitor.alarmWritesPerSecond = "3" is not allowed; allowed: calls per second from 0.5 to 100'],
      ['unknown field', { alarmEmail: 'x' }, 'dev › (settings): unknown field alarmEmail'],
      ['missing field', { accountId: undefined }, 'dev › accountId is missing; it is required'],
    ])('%s', (_rule, change, expected) => {
      expect(problemOf(change)).toContain(expected);
    });
  });

  it('accepts the rate controls AWS accepts', () => {
    for (const [maxConcurrency, maxErrors] of [['10', '0'], ['10%', '0%'], ['100%', '100%'], ['1', '5%']]) {
      expect(() => loadEnvironments([{ ...valid, ssmAgentUpdate: { schedule: 'rate(1 day)', maxConcurrency, maxErrors } }])).not.toThrow();
    }
  });

  it('accepts every retention period CloudWatch Logs accepts, and "never" as never expire', () => {
    for (const days of LOG_RETENTION_DAYS) expect(loadEnvironments([{ ...valid, logRetentionDays: days }])[0]!.logRetentionDays).toBe(days);
    // 0 is how the provider's retention_in_days says "never expire".
    expect(loadEnvironments([{ ...valid, logRetentionDays: 'never' }])[0]!.logRetentionDays).toBe(0);
  });

  describe('tags', () => {
    const tags = (count: number, first = 0) => Object.fromEntries(Array.from({ length: count }, (_, index) => [`Tag${first + index}`, 'x']));

    it('accepts 49 tags, and 50 when one of them is the Purpose tag the bootstrap stack sets on the state bucket', () => {
      expect(() => loadEnvironments([{ ...valid, tags: tags(49) }])).not.toThrow();
      expect(() => loadEnvironments([{ ...valid, tags: { ...tags(49), Purpose: 'ops' } }])).not.toThrow();
    });

    it('rejects 50 tags besides Purpose, which would put 51 on the state bucket', () => {
      expect(problemOf({ tags: tags(50) })).toMatch(
        /^dev › tags = \{"Tag0":"x","Tag1":"x",.*… \(\d+ characters\) is not allowed; allowed: at most 50 tags on a resource \(AWS's limit\), counting the Purpose tag the bootstrap stack adds to the state bucket; these make 51$/,
      );
    });
  });

  it('lists every problem of every environment at once', () => {
    const problems = problemsOf([
      { ...valid, alerts: { topicName: 'OPE', emails: ['bad'] }, cloudWatchAgentUpdate: { schedule: 'rate(31 days)' } },
      { ...valid, name: 'prod', ssmAgentUpdate: { schedule: 'cron(0 5 ? * TUE *)', maxConcurrency: 'abc' } },
    ]);
    expect(problems).toEqual([
      expect.stringContaining('dev › alerts.emails[0] = "bad"'),
      expect.stringContaining('dev › cloudWatchAgentUpdate.schedule = "rate(31 days)"'),
      expect.stringContaining('prod › ssmAgentUpdate.maxConcurrency = "abc"'),
    ]);
  });

  it('rejects two environments of the same name', () => {
    expect(problemsOf([valid, valid])).toEqual(['dev › name = "dev" is not allowed; allowed: each environment name only once']);
  });

  describe('environments sharing an account and a region', () => {
    const other = { ...valid, alerts: { topicName: 'OPE-other', emails: ['ops@example.com'] } };

    it.each(['dev-agent', 'dev-x', 'dev-1-b'])('rejects %s beside dev, whose name wildcards would cover it', (name) => {
      expect(problemsOf([valid, { ...other, name }])).toEqual([
        `${name} › name = "${name}" is not allowed; allowed: a name that does not start with "dev-" while environment dev shares its account (111111111111) ` +
          `and region (ap-northeast-1), because dev's policy wildcards cover every ssm-agent-ops-dev-* name`,
      ]);
    });

    it('rejects the overlap whichever environment comes first', () => {
      expect(problemsOf([{ ...other, name: 'dev-x' }, valid])).toEqual([expect.stringMatching(/^dev-x › name = "dev-x" is not allowed; .*environment dev shares/)]);
    });

    it('accepts overlapping names in another account or region, and names that only share letters', () => {
      expect(() =>
        loadEnvironments([
          valid,
          { ...other, name: 'dev-x', accountId: '222222222222' },
          { ...other, name: 'dev-y', region: 'us-east-1' },
          { ...other, name: 'devx' },
        ]),
      ).not.toThrow();
    });

    it('rejects a topic or a created parameter that another environment already creates there', () => {
      const dev = { ...valid, accountDisplayName: { value: '開発', parameterName: '/ops/display-name' } };
      const prod = { ...valid, name: 'prod', accountDisplayName: { value: '本番', parameterName: '/ops/display-name' } };
      expect(problemsOf([dev, prod])).toEqual([
        'prod › alerts.topicName = "OPE-dev" is not allowed; allowed: an SNS topic name that environment dev does not already create in the same account (111111111111) and region (ap-northeast-1)',
        'prod › accountDisplayName.parameterName = "/ops/display-name" is not allowed; allowed: an SSM parameter name that environment dev does not already create in the same account (111111111111) and region (ap-northeast-1)',
      ]);
      // Reading the parameter another environment creates is sharing it, not taking it.
      const reader = { ...other, name: 'prod', accountDisplayName: { existingParameterName: '/ops/display-name' } };
      expect(() => loadEnvironments([dev, reader, { ...prod, name: 'stg', region: 'us-east-1' }])).not.toThrow();
    });
  });

  it('rejects two environments that put one state bucket in two regions', () => {
    expect(problemsOf([valid, { ...valid, name: 'prod', accountId: '333333333333', state: { bucket: 'example-tfstate', region: 'us-east-1' } }])).toEqual([
      'prod › state.region = "us-east-1" is not allowed; allowed: "ap-northeast-1", the region other environments give the bucket example-tfstate',
    ]);
  });

  it('applies LAMBDA_PACKAGING to every environment, and rejects an unknown mode', () => {
    expect(loadEnvironments([valid], { lambdaPackaging: 'asset' })[0]!.lambdaPackaging).toBe('asset');
    expect(problemsOf([valid], { lambdaPackaging: 'docker' })).toEqual([
      'LAMBDA_PACKAGING = "docker" is not allowed; allowed: one of archive, asset',
    ]);
  });

  it('puts every problem into the error message', () => {
    expect(() => loadEnvironments([{ ...valid, accountId: 'x', region: 'y' }])).toThrow(
      /Invalid ssm-agent-ops settings \(2 problems\); nothing was synthesized:\n {2}- dev › accountId = "x".*\n {2}- dev › region = "y"/,
    );
  });
});
