import { Testing } from 'cdktf';
import { exampleSettings, maskVolatile, onlyResource, resourcesOf, statementsOf, synthStack, BUNDLES_DIR } from '../helpers/synth';
import { SsmAgentOpsStack } from '../../stacks/ssm-agent-ops-stack';

describe('SsmAgentOpsStack', () => {
  const prod = synthStack(exampleSettings('prod'));

  describe('provider and state', () => {
    it('pins the region, tags every resource and refuses any other account', () => {
      expect(prod.provider.aws).toEqual([
        {
          region: 'ap-northeast-1',
          allowed_account_ids: ['333333333333'],
          default_tags: [{ tags: { Project: 'ssm-agent-ops', ManagedBy: 'cdktf', Environment: 'prod' } }],
        },
      ]);
    });

    it('keeps each environment in its own encrypted, S3-locked state', () => {
      expect(prod.terraform.backend).toEqual({
        s3: {
          bucket: 'example-ssm-agent-ops-tfstate',
          key: 'ssm-agent-ops/prod/terraform.tfstate',
          region: 'ap-northeast-1',
          encrypt: true,
          use_lockfile: true,
        },
      });
      const dev = synthStack(exampleSettings('dev'));
      expect(dev.terraform.backend.s3.key).toBe('ssm-agent-ops/dev/terraform.tfstate');
    });

    it('requires Terraform 1.11 and AWS provider 5.100.0', () => {
      expect(prod.terraform.required_version).toBe('>= 1.11');
      expect(prod.terraform.required_providers.aws).toEqual({ source: 'aws', version: '5.100.0' });
    });

    it('reads nothing from AWS at plan time', () => {
      expect(Object.keys(prod.data ?? {}).filter((type) => type.startsWith('aws_'))).toEqual([]);
    });
  });

  describe('agent update associations', () => {
    const associations = resourcesOf(prod, 'aws_ssm_association');
    const byDocument = (document: string) => associations.find((association) => association.name === document);

    it('updates the SSM Agent on Tuesdays at 14:00 JST on instances tagged ope-type=auto', () => {
      expect(byDocument('AWS-UpdateSSMAgent')).toEqual(
        expect.objectContaining({
          association_name: 'prod-update-ssm-agent',
          schedule_expression: 'cron(0 5 ? * TUE *)',
          apply_only_at_cron_interval: true,
          max_concurrency: '100%',
          max_errors: '0%',
          targets: [{ key: 'tag:ope-type', values: ['auto'] }],
        }),
      );
    });

    it('reinstalls the CloudWatch Agent package every 30 days', () => {
      const cloudWatch = byDocument('AWS-ConfigureAWSPackage');
      expect(cloudWatch).toEqual(
        expect.objectContaining({
          association_name: 'prod-update-cloudwatch-agent',
          schedule_expression: 'rate(30 days)',
          max_concurrency: '100%',
          max_errors: '0%',
          targets: [{ key: 'tag:ope-type', values: ['auto'] }],
          parameters: { action: 'Install', installationType: 'Uninstall and reinstall', name: 'AmazonCloudWatchAgent' },
        }),
      );
      // State Manager rejects apply_only_at_cron_interval for rate expressions.
      expect(cloudWatch).not.toHaveProperty('apply_only_at_cron_interval');
    });

    it('never waits for the association to succeed during apply', () => {
      for (const association of associations) expect(association).not.toHaveProperty('wait_for_success_timeout_seconds');
    });

    it('follows per-environment targets, schedules and rate controls', () => {
      const custom = synthStack(
        exampleSettings('stg', {
          updateTargets: { tagKey: 'patch-group', tagValues: ['a', 'b'] },
          ssmAgentUpdate: { name: 'custom-ssm', schedule: 'rate(7 days)', maxConcurrency: '10', maxErrors: '1' },
        }),
      );
      const ssmAgent = resourcesOf(custom, 'aws_ssm_association').find((a) => a.name === 'AWS-UpdateSSMAgent');
      expect(ssmAgent).toEqual(
        expect.objectContaining({
          association_name: 'custom-ssm',
          schedule_expression: 'rate(7 days)',
          max_concurrency: '10',
          max_errors: '1',
          targets: [{ key: 'tag:patch-group', values: ['a', 'b'] }],
        }),
      );
      expect(ssmAgent).not.toHaveProperty('apply_only_at_cron_interval');
    });
  });

  describe('alert topic', () => {
    const key = onlyResource(prod, 'aws_kms_key');
    const topic = onlyResource(prod, 'aws_sns_topic');

    it('is encrypted with a rotating customer-managed key', () => {
      expect(key).toEqual(expect.objectContaining({ enable_key_rotation: true, deletion_window_in_days: 30 }));
      expect(topic.name).toBe('OPE');
      expect(topic.kms_master_key_id).toMatch(/^\$\{aws_kms_key\.\S+\.arn\}$/);
      expect(onlyResource(prod, 'aws_kms_alias').name).toBe('alias/ssm-agent-ops-prod-alerts');
    });

    it('lets the account administer the key and CloudWatch and EventBridge use it', () => {
      expect(statementsOf(key.policy)).toEqual([
        {
          Sid: 'AccountAdministersKeyThroughIam',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::333333333333:root' },
          Action: 'kms:*',
          Resource: '*',
        },
        {
          Sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Resource: '*',
          Condition: {
            StringEquals: { 'aws:SourceAccount': '333333333333' },
            ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:ap-northeast-1:333333333333:alarm:ssm-agent-ops-prod-*' },
          },
        },
        {
          Sid: 'EventBridgeRulesPublishToEncryptedTopic',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Resource: '*',
        },
      ]);
    });

    it("lets only this account's own alarms and rules publish", () => {
      const policy = onlyResource(prod, 'aws_sns_topic_policy');
      const statements = statementsOf(policy.policy);
      const publishers = statements.filter((statement) => statement.Principal.Service);
      expect(publishers).toEqual([
        expect.objectContaining({
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Condition: {
            StringEquals: { 'aws:SourceAccount': '333333333333' },
            ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:ap-northeast-1:333333333333:alarm:ssm-agent-ops-prod-*' },
          },
        }),
        expect.objectContaining({
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sns:Publish',
          Condition: {
            StringEquals: { 'aws:SourceAccount': '333333333333' },
            ArnLike: { 'aws:SourceArn': 'arn:aws:events:ap-northeast-1:333333333333:rule/ssm-agent-ops-prod-*' },
          },
        }),
      ]);
      const others = statements.filter((statement) => !statement.Principal.Service);
      expect(others.map((statement) => statement.Principal)).toEqual([{ AWS: 'arn:aws:iam::333333333333:root' }]);
    });

    it('subscribes every configured address by e-mail', () => {
      const subscriptions = resourcesOf(prod, 'aws_sns_topic_subscription');
      expect(subscriptions.map((s) => [s.protocol, s.endpoint]).sort()).toEqual([
        ['email', 'ops-oncall@example.com'],
        ['email', 'ops@example.com'],
      ]);
    });

    it('outputs the topic ARN and which subscriptions still await confirmation', () => {
      expect(prod.output.alert_topic_arn.value).toMatch(/^\$\{aws_sns_topic\.\S+\.arn\}$/);
      const pending = prod.output.alert_subscriptions_pending_confirmation.value;
      expect(Object.keys(pending).sort()).toEqual(['ops-oncall@example.com', 'ops@example.com']);
      for (const reference of Object.values(pending)) expect(reference).toMatch(/\.pending_confirmation\}$/);
    });

    it('writes ARNs of the partition the region belongs to', () => {
      const china = synthStack(exampleSettings('prod', { region: 'cn-north-1' }));
      expect(onlyResource(china, 'aws_kms_key').policy).toContain('arn:aws-cn:iam::333333333333:root');
    });
  });

  describe('account display name', () => {
    it('is created from the settings', () => {
      expect(onlyResource(prod, 'aws_ssm_parameter')).toEqual(
        expect.objectContaining({ name: '/ops/ssm-agent-ops/prod/account-display-name', type: 'String', value: '本番アカウント' }),
      );
    });

    it('is only referenced when it already exists', () => {
      const existing = exampleSettings('prod', { accountDisplayName: { existingParameterName: '/org/display-name' } });
      const stack = new SsmAgentOpsStack(Testing.app(), { settings: existing, bundlesDir: BUNDLES_DIR });
      expect(resourcesOf(JSON.parse(Testing.synth(stack)), 'aws_ssm_parameter')).toEqual([]);
      expect(stack.accountDisplayName.parameterArn).toBe('arn:aws:ssm:ap-northeast-1:333333333333:parameter/org/display-name');
    });
  });

  it.each(['dev', 'stg', 'prod'])('matches the %s snapshot', (name) => {
    const stack = new SsmAgentOpsStack(Testing.app(), { settings: exampleSettings(name), bundlesDir: BUNDLES_DIR });
    expect(maskVolatile(Testing.synth(stack))).toMatchSnapshot();
  });
});
