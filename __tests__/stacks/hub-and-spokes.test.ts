import { Testing } from 'cdktf';
import { loadDeployments } from '../../config/load';
import { environments } from '../../config/environments';
import type { EnvironmentInput } from '../../config/schema';
import { agentWatchEnvironment } from '../../contract/agent-watch-environment';
import { fleetInventoryEnvironment } from '../../contract/fleet-inventory-environment';
import { hubEnvironment } from '../../contract/spokes';
import { relayRuleName } from '../../stacks/hub-bus';
import { SsmAgentOpsStack } from '../../stacks/ssm-agent-ops-stack';
import { minimalEnvironment } from '../helpers/minimal-environment';
import { BUNDLES_DIR, exampleSettings, onlyResource, resourcesOf, statementsOf, synthStack, type Synthesized } from '../helpers/synth';

/** Every stack of these settings, synthesized, by stack name. */
function synthAll(inputs: readonly EnvironmentInput[]): Record<string, Synthesized> {
  const app = Testing.app();
  return Object.fromEntries(
    loadDeployments(inputs).map((deployment) => {
      const stack = new SsmAgentOpsStack(app, { settings: deployment.settings, deployment, bundlesDir: BUNDLES_DIR });
      // With the validations `cdktf synth` runs (every function's environment within Lambda's limit among them).
      return [deployment.names.stackName, JSON.parse(Testing.synth(stack, true)) as Synthesized];
    }),
  );
}

const example = synthAll(environments);
const hub = example['ssm-agent-ops-ops-hub']!;
const spokeNames = ['ssm-agent-ops-web', 'ssm-agent-ops-web-use1', 'ssm-agent-ops-batch'];
const NOTIFIER_ROLE = 'arn:aws:iam::444444444444:role/ssm-agent-ops-ops-hub-notifier-role';
const REPORT_ROLE = 'arn:aws:iam::444444444444:role/ssm-agent-ops-ops-hub-weekly-report-role';
const READ_ROLES = [
  'arn:aws:iam::555555555555:role/ssm-agent-ops-web-hub-read',
  'arn:aws:iam::555555555555:role/ssm-agent-ops-web-use1-hub-read',
  'arn:aws:iam::666666666666:role/ssm-agent-ops-batch-hub-read',
];
const HUB_NOTIFIER = 'arn:aws:lambda:ap-northeast-1:444444444444:function:ssm-agent-ops-ops-hub-notifier';
const HUB_BUS = 'arn:aws:events:ap-northeast-1:444444444444:event-bus/ssm-agent-ops-ops-hub-hub';

function roleNamed(synthesized: Synthesized, name: string) {
  const role = resourcesOf(synthesized, 'aws_iam_role').find((candidate) => candidate.name === name);
  if (!role) throw new Error(`no role ${name}`);
  return role;
}

/** The inline policy of the role whose name is `name` (policies reference their role by its Terraform address). */
function policyOfRole(synthesized: Synthesized, name: string): any[] {
  const [address] = Object.entries(synthesized.resource.aws_iam_role!).find(([, role]) => role.name === name)!;
  const policy = resourcesOf(synthesized, 'aws_iam_role_policy').find((candidate) => candidate.role === `\${aws_iam_role.${address}.name}`);
  return statementsOf(policy.policy);
}

describe('standalone environments', () => {
  it.each(['dev', 'stg', 'prod'])('%s synthesizes as it did before stacks had Regions and hubs: same stack, state key and resources', (name) => {
    const standalone = example[`ssm-agent-ops-${name}`]!;
    expect(standalone).toEqual(synthStack(exampleSettings(name)));
    expect(standalone.terraform.backend.s3.key).toBe(`ssm-agent-ops/${name}/terraform.tfstate`);
    expect(resourcesOf(standalone, 'aws_lambda_function').map((fn) => fn.function_name).sort()).toEqual(
      ['agent-watch', 'fleet-inventory', 'notifier', 'subscription-check', 'weekly-report'].map((suffix) => `ssm-agent-ops-${name}-${suffix}`),
    );
    expect(resourcesOf(standalone, 'aws_cloudwatch_event_bus')).toEqual([]);
  });
});

describe('deploy roles', () => {
  it('has every provider of a stack assume the environment’s role, keeping allowed_account_ids as the guard', () => {
    for (const [name, role, account] of [
      ['ssm-agent-ops-ops-hub', { role_arn: 'arn:aws:iam::444444444444:role/ssm-agent-ops-deploy', session_name: 'ssm-agent-ops-plan' }, '444444444444'],
      ['ssm-agent-ops-web-use1', { role_arn: 'arn:aws:iam::555555555555:role/ssm-agent-ops-deploy', external_id: 'ssm-agent-ops-example' }, '555555555555'],
    ] as const) {
      expect(example[name]!.provider.aws).toEqual([expect.objectContaining({ assume_role: [role], allowed_account_ids: [account] })]);
    }
  });

  it('has the chat configuration’s provider assume it too', () => {
    const [stack] = Object.values(
      synthAll([{ ...minimalEnvironment, deployRole: { roleArn: 'arn:aws:iam::111111111111:role/deploy' }, chat: { channel: 'slack', workspaceId: 'T0EXAMPLE01', channelId: 'C0EXAMPLE01' } }]),
    );
    expect(stack!.provider.aws).toHaveLength(2);
    for (const provider of stack!.provider.aws!) {
      expect(provider).toMatchObject({ assume_role: [{ role_arn: 'arn:aws:iam::111111111111:role/deploy' }], allowed_account_ids: ['111111111111'] });
    }
  });

  it('leaves the providers of an environment without a deploy role as they were', () => {
    expect(example['ssm-agent-ops-prod']!.provider.aws![0]).not.toHaveProperty('assume_role');
  });
});

describe('the hub', () => {
  it('owns the bus, whose policy admits only the spokes’ accounts', () => {
    const bus = onlyResource(hub, 'aws_cloudwatch_event_bus');
    expect(bus.name).toBe('ssm-agent-ops-ops-hub-hub');
    expect(statementsOf(onlyResource(hub, 'aws_cloudwatch_event_bus_policy').policy)).toEqual([
      {
        Sid: 'SpokeAccountsForward',
        Effect: 'Allow',
        Principal: { AWS: ['arn:aws:iam::555555555555:root', 'arn:aws:iam::666666666666:root'] },
        Action: 'events:PutEvents',
        Resource: HUB_BUS,
      },
    ]);
  });

  it('needs no bus policy for spokes in its own account only', () => {
    const stacks = synthAll([{ ...minimalEnvironment, regions: ['ap-northeast-1', 'us-east-1'] }]);
    expect(resourcesOf(stacks['ssm-agent-ops-dev']!, 'aws_cloudwatch_event_bus')).toHaveLength(1);
    expect(resourcesOf(stacks['ssm-agent-ops-dev']!, 'aws_cloudwatch_event_bus_policy')).toEqual([]);
    expect(resourcesOf(stacks['ssm-agent-ops-dev-use1']!, 'aws_cloudwatch_event_target').filter((target) => target.arn === 'arn:aws:events:ap-northeast-1:111111111111:event-bus/ssm-agent-ops-dev-hub')).toHaveLength(5);
  });

  it('admits the whole organisation instead when one is configured', () => {
    const inputs = environments.map((environment) => (environment.name === 'ops-hub' ? { ...environment, hub: { organizationId: 'o-a1b2c3d4e5' } } : environment));
    const statements = statementsOf(onlyResource(synthAll(inputs)['ssm-agent-ops-ops-hub']!, 'aws_cloudwatch_event_bus_policy').policy);
    expect(statements).toEqual([
      expect.objectContaining({ Principal: { AWS: '*' }, Action: 'events:PutEvents', Resource: HUB_BUS, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } }),
    ]);
  });

  it('lets its notifier assume exactly the spokes’ read roles, and tells it the spokes', () => {
    const assume = policyOfRole(hub, 'ssm-agent-ops-ops-hub-notifier-role').filter((statement) => [statement.Action].flat().some((action: string) => action.startsWith('sts:')));
    expect(assume).toEqual([{ Sid: 'ReadThroughSpokeRoles', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: [...READ_ROLES].sort() }]);
    const notifier = resourcesOf(hub, 'aws_lambda_function').find((fn) => fn.function_name === 'ssm-agent-ops-ops-hub-notifier');
    const spokes = JSON.parse(notifier.environment.variables.HUB_SPOKES);
    expect(spokes.map((spoke: { readRoleArn: string; account: string; region: string; agentAlarmPrefix: string }) => [spoke.readRoleArn, spoke.account, spoke.region, spoke.agentAlarmPrefix])).toEqual([
      [READ_ROLES[0], '555555555555', 'ap-northeast-1', 'ssm-agent-ops-web-agent-'],
      [READ_ROLES[1], '555555555555', 'us-east-1', 'ssm-agent-ops-web-use1-agent-'],
      [READ_ROLES[2], '666666666666', 'us-west-2', 'ssm-agent-ops-batch-agent-'],
    ]);
  });

  it('lets its weekly report assume exactly the spokes’ read roles and invoke only itself, and tells it each spoke’s own report settings', () => {
    const statements = policyOfRole(hub, 'ssm-agent-ops-ops-hub-weekly-report-role');
    expect(statements.filter((statement) => [statement.Action].flat().some((action: string) => /^(sts|lambda):/.test(action)))).toEqual([
      { Sid: 'ReadThroughSpokeRoles', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: [...READ_ROLES].sort() },
      { Sid: 'StartEachStacksReport', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: 'arn:aws:lambda:ap-northeast-1:444444444444:function:ssm-agent-ops-ops-hub-weekly-report' },
    ]);
    const report = resourcesOf(hub, 'aws_lambda_function').find((fn) => fn.function_name === 'ssm-agent-ops-ops-hub-weekly-report');
    const notifier = resourcesOf(hub, 'aws_lambda_function').find((fn) => fn.function_name === 'ssm-agent-ops-ops-hub-notifier');
    // One codec: both functions are told the same spokes.
    expect(report.environment.variables.HUB_SPOKES).toBe(notifier.environment.variables.HUB_SPOKES);
    const spokes = hubEnvironment.decode(report.environment.variables).spokes!;
    expect(spokes.map((spoke) => [spoke.account, spoke.region, spoke.readRoleArn])).toEqual([
      ['555555555555', 'ap-northeast-1', READ_ROLES[0]],
      ['555555555555', 'us-east-1', READ_ROLES[1]],
      ['666666666666', 'us-west-2', READ_ROLES[2]],
    ]);
    expect(spokes[1]!.report).toEqual({
      registryTable: 'ssm-agent-ops-web-use1-node-registry',
      associationNames: { ssmAgent: 'web-update-ssm-agent', cloudWatchAgent: 'web-update-cloudwatch-agent' },
      updateTargetTag: { key: 'ope-type', values: ['auto'] },
      muteTag: { key: 'ssm-agent-ops:mute', value: 'true' },
      startGraceMinutes: 10,
      missingScope: 'update-targets',
      cloudWatchAgentNamespace: 'CWAgent',
    });
  });

  it('carries a spoke’s own report settings, not the hub’s', () => {
    const inputs = environments.map((environment) =>
      environment.name === 'batch'
        ? { ...environment, ssmAgentUpdate: { name: 'batch-agent-refresh' }, agentMonitor: { scope: 'update-targets' as const, missingScope: 'all-running' as const, startGraceMinutes: 45, muteTag: { key: 'quiet', value: 'yes' } }, weeklyReport: { cloudWatchAgentNamespace: 'Batch/Agent' } }
        : environment,
    );
    const app = Testing.app();
    const hubDeployment = loadDeployments(inputs).find((deployment) => deployment.names.stackName === 'ssm-agent-ops-ops-hub')!;
    const stack = new SsmAgentOpsStack(app, { settings: hubDeployment.settings, deployment: hubDeployment, bundlesDir: BUNDLES_DIR });
    const report = resourcesOf(JSON.parse(Testing.synth(stack)) as Synthesized, 'aws_lambda_function').find((fn) => fn.function_name === 'ssm-agent-ops-ops-hub-weekly-report');
    const batch = hubEnvironment.decode(report.environment.variables).spokes!.find((spoke) => spoke.account === '666666666666')!;
    expect(batch.report).toMatchObject({
      associationNames: { ssmAgent: 'batch-agent-refresh', cloudWatchAgent: 'batch-update-cloudwatch-agent' },
      muteTag: { key: 'quiet', value: 'yes' },
      startGraceMinutes: 45,
      missingScope: 'all-running',
      registryScopedToTargets: true,
      cloudWatchAgentNamespace: 'Batch/Agent',
    });
  });

  it('sends forwarded failures and the spokes’ agent alarms on its bus to the notifier, and relays their self-monitoring alarms to the topic', () => {
    const onBus = resourcesOf(hub, 'aws_cloudwatch_event_rule').filter((rule) => rule.event_bus_name);
    expect(onBus.map((rule) => rule.name).sort()).toEqual([
      'ssm-agent-ops-ops-hub-hub-agent-alarms',
      'ssm-agent-ops-ops-hub-hub-failures',
      'ssm-agent-ops-ops-hub-hub-relay-ssm-agent-ops-batch',
      'ssm-agent-ops-ops-hub-hub-relay-ssm-agent-ops-web',
      'ssm-agent-ops-ops-hub-hub-relay-ssm-agent-ops-web-use1',
    ]);
    const alarms = onBus.find((rule) => rule.name.endsWith('agent-alarms'));
    expect(JSON.parse(alarms.event_pattern).detail.alarmName).toEqual([
      { prefix: 'ssm-agent-ops-web-agent-' },
      { prefix: 'ssm-agent-ops-web-use1-agent-' },
      { prefix: 'ssm-agent-ops-batch-agent-' },
    ]);
    const relay = onBus.find((rule) => rule.name.endsWith('relay-ssm-agent-ops-batch'));
    expect(JSON.parse(relay.event_pattern)).toMatchObject({ account: ['666666666666'], region: ['us-west-2'], detail: { alarmName: [{ 'anything-but': { prefix: 'ssm-agent-ops-batch-agent-' } }] } });
    const relayTarget = resourcesOf(hub, 'aws_cloudwatch_event_target').find((target) => target.rule === `\${aws_cloudwatch_event_rule.${Object.entries(hub.resource.aws_cloudwatch_event_rule!).find(([, rule]) => rule === relay)![0]}.name}`);
    expect(relayTarget).toMatchObject({ event_bus_name: expect.any(String), arn: expect.stringContaining('aws_sns_topic'), dead_letter_config: { arn: expect.any(String) } });
    expect(JSON.parse(relayTarget.input_transformer.input_template)).toContain('batch (666666666666 / us-west-2)');
  });
});

describe('mail hand-over from spokes', () => {
  it('lets the hub’s notifier be invoked by each spoke account that is not the hub’s own, and by nothing else', () => {
    const permissions = resourcesOf(hub, 'aws_lambda_permission').filter((permission) => /^\d{12}$/.test(permission.principal));
    expect(permissions.map((permission) => [permission.principal, permission.action]).sort()).toEqual([
      ['555555555555', 'lambda:InvokeFunction'],
      ['666666666666', 'lambda:InvokeFunction'],
    ]);
    for (const permission of permissions) expect(permission.function_name).toMatch(/^\$\{aws_lambda_function\.\S+\.function_name\}$/);
  });
});

describe('a spoke', () => {
  it.each(spokeNames)('%s has no topic, subscription, notifier, chat or dashboard', (name) => {
    const spoke = example[name]!;
    for (const type of ['aws_sns_topic', 'aws_sns_topic_subscription', 'aws_cloudwatch_dashboard', 'aws_kms_key', 'aws_chatbot_slack_channel_configuration']) {
      expect(resourcesOf(spoke, type)).toEqual([]);
    }
    expect(resourcesOf(spoke, 'aws_lambda_function').map((fn) => fn.function_name)).not.toContainEqual(expect.stringMatching(/notifier|subscription-check/));
  });

  it.each(spokeNames)('%s forwards every alert rule to the hub’s bus with a role and a dead-letter queue, whose depth is alarmed and forwarded', (name) => {
    const spoke = example[name]!;
    const targets = resourcesOf(spoke, 'aws_cloudwatch_event_target').filter((target) => target.arn === HUB_BUS);
    const rules = resourcesOf(spoke, 'aws_cloudwatch_event_rule').filter((rule) => !rule.schedule_expression);
    expect(targets).toHaveLength(rules.length);
    expect(rules.length).toBe(5);
    for (const target of targets) {
      expect(target.role_arn).toMatch(/^\$\{aws_iam_role\.\S+\.arn\}$/);
      expect(target.dead_letter_config.arn).toMatch(/^\$\{aws_sqs_queue\.\S+\.arn\}$/);
    }
    const forwardRole = resourcesOf(spoke, 'aws_iam_role').find((role) => role.name.endsWith('-forward-to-hub'));
    const [address] = Object.entries(spoke.resource.aws_iam_role!).find(([, role]) => role === forwardRole)!;
    expect(statementsOf(resourcesOf(spoke, 'aws_iam_role_policy').find((policy) => policy.role === `\${aws_iam_role.${address}.name}`).policy)).toEqual([
      { Sid: 'ForwardToHubBus', Effect: 'Allow', Action: 'events:PutEvents', Resource: HUB_BUS },
    ]);

    const alarms = resourcesOf(spoke, 'aws_cloudwatch_metric_alarm');
    expect(alarms.map((alarm) => alarm.alarm_name)).toContainEqual(expect.stringMatching(/-unforwarded-alerts$/));
    for (const alarm of alarms) expect(alarm.alarm_actions).toBeUndefined();
    const selfRule = rules.find((rule) => rule.name.endsWith('-self-monitoring-to-hub'));
    expect(JSON.parse(selfRule.event_pattern).detail.alarmName).toEqual(alarms.map((alarm) => alarm.alarm_name).sort());
    // The watch's heartbeat is among them: a spoke whose watch stops reaches the hub within minutes.
    expect(JSON.parse(selfRule.event_pattern).detail.alarmName).toContainEqual(expect.stringMatching(/-agent-watch-heartbeat$/));
  });

  it.each(spokeNames.map((name, index) => [name, READ_ROLES[index]!]))('%s lends a read role that only the hub notifier’s and weekly report’s roles may assume', (name, readRole) => {
    const spoke = example[name]!;
    const roleName = readRole.split('/')[1]!;
    expect(statementsOf(roleNamed(spoke, roleName).assume_role_policy)).toEqual([
      {
        Sid: 'HubReadersOnly',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::444444444444:root' },
        Action: 'sts:AssumeRole',
        Condition: { ArnEquals: { 'aws:PrincipalArn': [NOTIFIER_ROLE, REPORT_ROLE] } },
      },
    ]);
    const statements = policyOfRole(spoke, roleName);
    const actions = statements.flatMap((statement) => [statement.Action].flat());
    expect(actions.sort()).toEqual(
      [
        'ssm:GetCommandInvocation',
        'ssm:ListCommandInvocations',
        'ssm:ListCommands',
        'ssm:DescribeAssociationExecutions',
        'ssm:DescribeAssociationExecutionTargets',
        'ssm:DescribeInstanceInformation',
        'tag:GetResources',
        'ssm:GetParameter',
        // The alert notes the notifier reads.
        'dynamodb:GetItem',
        // The weekly report's reads.
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:Scan',
        'ssm:ListAssociations',
        'ssm:DescribeAssociationExecutions',
        'ssm:DescribeAssociationExecutionTargets',
        'cloudwatch:ListMetrics',
      ].sort(),
    );
    const region = readRole.includes('use1') ? 'us-east-1' : readRole.includes('batch') ? 'us-west-2' : 'ap-northeast-1';
    const account = readRole.split(':')[4]!;
    const report = statements.filter((statement) => ['ReadNodeRegistry', 'FindUpdateAssociations', 'ReadUpdateResults', 'ListRecentAgentMetrics'].includes(statement.Sid));
    expect(report).toEqual([
      // Its own registry table, and only the spoke's own two update associations (by the IDs its state holds).
      { Sid: 'ReadNodeRegistry', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Scan'], Resource: expect.stringMatching(/^\$\{aws_dynamodb_table\.agent-health-monitor_node-registry_\S+\.arn\}$/) },
      { Sid: 'FindUpdateAssociations', Effect: 'Allow', Action: 'ssm:ListAssociations', Resource: '*' },
      {
        Sid: 'ReadUpdateResults',
        Effect: 'Allow',
        Action: ['ssm:DescribeAssociationExecutions', 'ssm:DescribeAssociationExecutionTargets'],
        Resource: [
          expect.stringMatching(new RegExp(`^arn:aws:ssm:${region}:${account}:association/\\$\\{aws_ssm_association\\.agent-updates_ssm-agent_\\S+\\.association_id\\}$`)),
          expect.stringMatching(new RegExp(`^arn:aws:ssm:${region}:${account}:association/\\$\\{aws_ssm_association\\.agent-updates_cloudwatch-agent_\\S+\\.association_id\\}$`)),
        ],
      },
      { Sid: 'ListRecentAgentMetrics', Effect: 'Allow', Action: 'cloudwatch:ListMetrics', Resource: '*' },
    ]);
    // The notes it lends are the spoke's agent watch's, and only those.
    const notesTable = resourcesOf(spoke, 'aws_dynamodb_table').find((table) => table.name.endsWith('-alert-notes'));
    const [notesAddress] = Object.entries(spoke.resource.aws_dynamodb_table!).find(([, table]) => table === notesTable)!;
    expect(policyOfRole(spoke, roleName).find((statement) => statement.Action === 'dynamodb:GetItem').Resource).toBe(`\${aws_dynamodb_table.${notesAddress}.arn}`);
  });

  it.each(spokeNames)('%s hands its digests and missing-instance mails to the hub’s notifier, and may invoke no other function', (name) => {
    const spoke = example[name]!;
    for (const suffix of ['agent-watch', 'fleet-inventory']) {
      const functionName = `${name}-${suffix}`;
      const fn = resourcesOf(spoke, 'aws_lambda_function').find((candidate) => candidate.function_name === functionName);
      expect((suffix === 'agent-watch' ? agentWatchEnvironment : fleetInventoryEnvironment).decode(fn.environment.variables).notifierFunction).toBe(HUB_NOTIFIER);
      const invokes = policyOfRole(spoke, `${functionName}-role`).filter((statement) => [statement.Action].flat().includes('lambda:InvokeFunction'));
      expect(invokes.map((statement) => statement.Resource)).toEqual(
        suffix === 'agent-watch' ? [HUB_NOTIFIER] : [expect.stringMatching(/:function:ssm-agent-ops-[\w-]+-fleet-inventory$/), HUB_NOTIFIER],
      );
    }
  });

  it('names its IAM roles uniquely across the Regions of one account', () => {
    const web = ['ssm-agent-ops-web', 'ssm-agent-ops-web-use1'].flatMap((name) => resourcesOf(example[name]!, 'aws_iam_role').map((role) => role.name));
    expect(new Set(web).size).toBe(web.length);
  });
});

describe('relay rule names', () => {
  it('stay within 64 characters and apart when long environment names would cut them to one', () => {
    const prefix = 'ssm-agent-ops-central-operations-hub-hub-relay-';
    const one = relayRuleName(prefix, 'ssm-agent-ops-web-frontend-prod-use1');
    const other = relayRuleName(prefix, 'ssm-agent-ops-web-frontend-prod-apne1');
    expect(one.length).toBeLessThanOrEqual(64);
    expect(other.length).toBeLessThanOrEqual(64);
    expect(one).not.toBe(other);
    expect(relayRuleName('ssm-agent-ops-hub-hub-relay-', 'ssm-agent-ops-web')).toBe('ssm-agent-ops-hub-hub-relay-ssm-agent-ops-web');
  });
});
