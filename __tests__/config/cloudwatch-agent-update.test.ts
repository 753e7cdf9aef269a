import { ConfigurationError, loadEnvironments } from '../../config/load';
import { minimalEnvironment } from '../helpers/minimal-environment';

function cloudWatchAgentUpdate(change: Record<string, unknown>) {
  return loadEnvironments([{ ...minimalEnvironment, cloudWatchAgentUpdate: change }])[0]!.cloudWatchAgentUpdate;
}

function problemsOf(change: Record<string, unknown>): string[] {
  try {
    cloudWatchAgentUpdate(change);
  } catch (error) {
    if (error instanceof ConfigurationError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the settings to be rejected');
}

describe('CloudWatch Agent update settings', () => {
  it('uninstall and reinstall by default, name no configuration, and keep the association defaults', () => {
    expect(cloudWatchAgentUpdate({})).toEqual({
      name: 'dev-update-cloudwatch-agent',
      schedule: 'rate(30 days)',
      maxConcurrency: '100%',
      maxErrors: '0%',
      installationType: 'Uninstall and reinstall',
    });
  });

  it('offer the in-place update', () => {
    expect(cloudWatchAgentUpdate({ installationType: 'In-place update' }).installationType).toBe('In-place update');
    expect(problemsOf({ installationType: 'in-place' })).toEqual([
      'dev › cloudWatchAgentUpdate.installationType = "in-place" is not allowed; allowed: one of "Uninstall and reinstall", "In-place update"',
    ]);
  });

  it.each([
    ['a plain name, as the agent wizard proposes', 'AmazonCloudWatch-linux'],
    ['a hierarchical name', '/ops/cloudwatch-agent/linux'],
    ['the deepest hierarchy Parameter Store allows (15 levels)', `/${Array.from({ length: 15 }, (_, level) => `L${level + 1}`).join('/')}`],
  ])('take the configuration parameter as %s', (_case, name) => {
    expect(cloudWatchAgentUpdate({ configurationParameter: name }).configurationParameter).toBe(name);
  });

  it('take one configuration parameter per platform, or for one platform only', () => {
    const both = { linux: 'AmazonCloudWatch-linux', windows: 'AmazonCloudWatch-windows' };
    expect(cloudWatchAgentUpdate({ configurationParameter: both }).configurationParameter).toEqual(both);
    expect(cloudWatchAgentUpdate({ configurationParameter: { windows: '/ops/cw/windows' } }).configurationParameter).toEqual({ windows: '/ops/cw/windows' });
  });

  const nameRule =
    'an SSM parameter name such as AmazonCloudWatch-linux or /ops/cloudwatch-agent/linux: a-z A-Z 0-9 _ . -, and "/" before each of at most 15 levels';
  const prefixRule = 'a name that does not start with aws or ssm, with or without "/" (reserved by AWS)';

  it.each([
    ['a name prefixed with "aws" (reserved)', 'awsCloudWatchConfig', prefixRule],
    ['a hierarchy under /ssm (reserved, any case)', '/SSM/cloudwatch', prefixRule],
    ['a comma, which AmazonCloudWatch-ManageAgent would read as a list to merge', 'AmazonCloudWatch-a,AmazonCloudWatch-b', nameRule],
    ['a space', 'AmazonCloudWatch linux', nameRule],
    ['a hierarchy without its leading slash', 'ops/cloudwatch', nameRule],
    ['an empty level', '/ops//cloudwatch', nameRule],
    ['16 levels', `/${Array.from({ length: 16 }, (_, level) => `L${level + 1}`).join('/')}`, nameRule],
    ['a Parameter Store reference instead of a name', '{{ssm:AmazonCloudWatch-linux}}', nameRule],
  ])('reject %s, naming the field, the value and the rule', (_case, name, rule) => {
    expect(problemsOf({ configurationParameter: name })).toEqual([
      `dev › cloudWatchAgentUpdate.configurationParameter = ${JSON.stringify(name)} is not allowed; allowed: ${rule}`,
    ]);
  });

  it('reject a bad name of one platform at that platform', () => {
    expect(problemsOf({ configurationParameter: { linux: 'AmazonCloudWatch-linux', windows: 'ssm-windows' } })).toEqual([
      `dev › cloudWatchAgentUpdate.configurationParameter.windows = "ssm-windows" is not allowed; allowed: ${prefixRule}`,
    ]);
  });

  it('reject a per-platform object naming no platform, or a platform it does not know', () => {
    expect(problemsOf({ configurationParameter: {} })).toEqual([
      'dev › cloudWatchAgentUpdate.configurationParameter = {} is not allowed; allowed: a parameter name for at least one of linux, windows',
    ]);
    expect(problemsOf({ configurationParameter: { linux: 'AmazonCloudWatch-linux', macos: 'AmazonCloudWatch-mac' } })).toEqual([
      'dev › cloudWatchAgentUpdate.configurationParameter: unknown field macos; allowed: only the fields documented in README "Configuration"',
    ]);
  });

  it('reject what is neither a name nor a per-platform object', () => {
    expect(problemsOf({ configurationParameter: ['AmazonCloudWatch-linux'] })).toEqual([
      'dev › cloudWatchAgentUpdate.configurationParameter = ["AmazonCloudWatch-linux"] is not allowed; allowed: a parameter name, or { linux, windows } with a parameter name for each platform that has one',
    ]);
  });
});
