import { deploymentsOf } from '../../config/deployments';
import { ConfigurationError, loadDeployments, loadEnvironments } from '../../config/load';
import type { EnvironmentInput } from '../../config/schema';
import { environments } from '../../config/environments';
import { regionCode } from '../../contract/names';
import { minimalEnvironment } from '../helpers/minimal-environment';

const hub: EnvironmentInput = { ...minimalEnvironment, name: 'central', accountId: '444444444444', hub: true };
const spoke = (change: Partial<EnvironmentInput> = {}): EnvironmentInput => ({
  ...minimalEnvironment,
  alerts: undefined,
  name: 'web',
  accountId: '555555555555',
  notifyThrough: 'central',
  ...change,
});

function problemsOf(inputs: readonly unknown[]): readonly string[] {
  try {
    loadEnvironments(inputs);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  throw new Error('the settings were accepted');
}

describe('hub and spoke settings', () => {
  it('rejects a spoke whose hub is not configured', () => {
    expect(problemsOf([spoke()])).toEqual([
      'web › notifyThrough = "central" is not allowed; allowed: the name of an environment with hub set (no environment is named central)',
    ]);
  });

  it('rejects a spoke naming an environment that is not a hub', () => {
    expect(problemsOf([{ ...hub, hub: undefined }, spoke()])).toEqual([
      'web › notifyThrough = "central" is not allowed; allowed: the name of an environment with hub set (central has no hub setting)',
    ]);
  });

  it('rejects an environment that is its own hub', () => {
    expect(problemsOf([hub, spoke({ notifyThrough: 'web' })])).toEqual([
      'web › notifyThrough = "web" is not allowed; allowed: the name of another environment, the hub (an environment cannot be its own hub)',
    ]);
  });

  it('rejects a spoke that is a hub as well: one environment has one hub', () => {
    expect(problemsOf([hub, spoke({ hub: true })])).toEqual([
      'web › hub = true is not allowed; allowed: no hub setting on a spoke: this environment already notifies through central, and one environment has one hub',
    ]);
  });

  it('rejects alerts and chat on a spoke, and requires alerts everywhere else', () => {
    expect(problemsOf([hub, spoke({ alerts: { topicName: 'OPE-web', emails: ['web@example.com'] }, chat: { channel: 'topic-only' } })])).toEqual([
      'web › alerts = {"topicName":"OPE-web","emails":["web@example.com"]} is not allowed; allowed: no alerts on a spoke: its alerts are mailed by its hub central, to the hub\'s addresses',
      'web › chat = {"channel":"topic-only"} is not allowed; allowed: no chat on a spoke: its alerts reach chat through its hub central',
    ]);
    expect(problemsOf([spoke({ notifyThrough: undefined })])).toEqual(['web › alerts is missing; it is required']);
  });

  it('gives a spoke its hub’s alert settings, so that its alarms speak the hub’s language', () => {
    const [, web] = loadEnvironments([{ ...hub, alerts: { ...minimalEnvironment.alerts, language: 'en' } }, spoke()]);
    expect(web!.alerts).toMatchObject({ topicName: 'OPE-dev', language: 'en' });
  });

  it('rejects a Region listed twice and a list without the home Region', () => {
    expect(problemsOf([{ ...hub, regions: ['ap-northeast-1', 'us-east-1', 'us-east-1'] }])).toEqual([
      'central › regions[2] = "us-east-1" is not allowed; allowed: each Region only once; regions[1] is already "us-east-1"',
    ]);
    expect(problemsOf([{ ...hub, regions: ['us-east-1'] }])).toEqual([
      'central › regions = ["us-east-1"] is not allowed; allowed: a list that includes region ("ap-northeast-1"), the environment\'s home Region, which keeps its stack\'s names',
    ]);
  });

  it('rejects two hub or spoke stacks in one account and Region: the hub tells spokes apart by them', () => {
    expect(problemsOf([hub, spoke({ accountId: '444444444444' })])).toEqual([
      'web › region = "ap-northeast-1" is not allowed; allowed: Regions where no other environment has a stack in account 444444444444 (central has one in ap-northeast-1, and a hub tells its spokes apart by account and Region)',
    ]);
    expect(problemsOf([hub, spoke({ regions: ['ap-northeast-1', 'us-east-1'] }), spoke({ name: 'api', region: 'us-east-1' })])).toEqual([
      'api › region = "us-east-1" is not allowed; allowed: Regions where no other environment has a stack in account 555555555555 (web has one in us-east-1, and a hub tells its spokes apart by account and Region)',
    ]);
  });

  it('still allows two standalone environments in one account and Region, as before', () => {
    expect(() => loadEnvironments([minimalEnvironment, { ...minimalEnvironment, name: 'qa', alerts: { topicName: 'OPE-qa', emails: ['qa@example.com'] } }])).not.toThrow();
  });

  it('rejects a second Region whose stack would take another environment’s names', () => {
    expect(problemsOf([{ ...hub, name: 'web', regions: ['ap-northeast-1', 'us-east-1'] }, { ...minimalEnvironment, name: 'web-use1', accountId: '777777777777' }])).toEqual([
      'web › regions = ["ap-northeast-1","us-east-1"] is not allowed; allowed: Regions whose stacks do not take another environment\'s names (the us-east-1 stack is named ssm-agent-ops-web-use1, like environment web-use1\'s stack)',
    ]);
  });

  it('checks policy wildcards of a second Region’s stack under its Region-qualified name', () => {
    expect(problemsOf([{ ...hub, name: 'web', regions: ['ap-northeast-1', 'us-east-1'] }, { ...minimalEnvironment, name: 'web-use1-x', accountId: '444444444444', region: 'us-east-1' }])).toContain(
      'web-use1-x › name = "web-use1-x" is not allowed; allowed: a name that does not start with "web-use1-" while environment web shares its account (444444444444) and region (us-east-1), because web\'s policy wildcards cover every ssm-agent-ops-web-use1-* name',
    );
  });

  it('rejects a deploy role outside the environment’s account or partition, and malformed role settings', () => {
    expect(problemsOf([{ ...hub, deployRole: { roleArn: 'arn:aws:iam::111111111111:role/deploy' } }])).toEqual([
      'central › deployRole.roleArn = "arn:aws:iam::111111111111:role/deploy" is not allowed; allowed: a role in the environment\'s own account 444444444444 and partition aws (arn:aws:iam::444444444444:role/...): the provider works in the role\'s account, and allowed_account_ids admits only 444444444444',
    ]);
    expect(problemsOf([{ ...hub, deployRole: { roleArn: 'arn:aws-cn:iam::444444444444:role/deploy' } }])[0]).toContain('partition aws (arn:aws:iam::444444444444:role/...)');
    expect(problemsOf([{ ...hub, deployRole: { roleArn: 'arn:aws:iam::444444444444:user/deploy', externalId: 'x' } }])).toEqual([
      'central › deployRole.roleArn = "arn:aws:iam::444444444444:user/deploy" is not allowed; allowed: an IAM role ARN such as arn:aws:iam::111111111111:role/terraform-deploy',
      'central › deployRole.externalId = "x" is not allowed; allowed: 2-1224 characters from a-z A-Z 0-9 and + = , . @ : / - _',
    ]);
    expect(problemsOf([{ ...hub, hub: { organizationId: 'oops' } }])).toEqual([
      'central › hub.organizationId = "oops" is not allowed; allowed: an AWS Organizations ID such as o-a1b2c3d4e5',
    ]);
  });
});

describe('stacks of environments', () => {
  it('gives a standalone environment with one Region exactly the stack name and state key it always had', () => {
    const [dev] = loadDeployments([minimalEnvironment]);
    expect(dev).toMatchObject({ role: { kind: 'standalone' }, names: { stackName: 'ssm-agent-ops-dev', stateKey: 'ssm-agent-ops/dev/terraform.tfstate' } });
    expect(dev!.names.functionNames.notifier).toBe('ssm-agent-ops-dev-notifier');
  });

  it('makes every Region but the home one a spoke with Region-qualified names and state key, and the home stack its hub', () => {
    const deployments = loadDeployments([{ ...minimalEnvironment, regions: ['ap-northeast-1', 'us-east-1'] }]);
    expect(deployments.map((deployment) => [deployment.names.stackName, deployment.settings.region, deployment.role.kind, deployment.names.stateKey])).toEqual([
      ['ssm-agent-ops-dev', 'ap-northeast-1', 'hub', 'ssm-agent-ops/dev/terraform.tfstate'],
      ['ssm-agent-ops-dev-use1', 'us-east-1', 'spoke', 'ssm-agent-ops/dev/us-east-1/terraform.tfstate'],
    ]);
    expect(deployments[1]!.names.functionNames.fleetInventory).toBe('ssm-agent-ops-dev-use1-fleet-inventory');
  });

  it('lists the example’s hub with its spokes in two accounts and Regions', () => {
    const deployments = deploymentsOf(loadEnvironments(environments));
    const hubStack = deployments.find((deployment) => deployment.role.kind === 'hub')!;
    expect(hubStack.names.stackName).toBe('ssm-agent-ops-ops-hub');
    const spokes = hubStack.role.kind === 'hub' ? hubStack.role.spokes : [];
    expect(spokes.map((one) => `${one.names.stackName} ${one.accountId} ${one.region}`)).toEqual([
      'ssm-agent-ops-web 555555555555 ap-northeast-1',
      'ssm-agent-ops-web-use1 555555555555 us-east-1',
      'ssm-agent-ops-batch 666666666666 us-west-2',
    ]);
  });

  it('shortens every Region the SDK knows to a code no other Region has', () => {
    const regions = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-southeast-1', 'ap-south-1', 'ap-east-1', 'cn-north-1', 'cn-northwest-1', 'us-gov-west-1', 'us-gov-east-1', 'eu-central-1', 'eu-central-2', 'ca-central-1', 'ca-west-1', 'me-central-1', 'me-south-1', 'eu-south-1', 'eu-north-1'];
    const codes = regions.map(regionCode);
    expect(new Set(codes).size).toBe(regions.length);
    expect(regionCode('ap-northeast-1')).toBe('apne1');
    expect(regionCode('cn-northwest-1')).toBe('cnnw1');
  });
});
