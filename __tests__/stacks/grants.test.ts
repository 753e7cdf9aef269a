import { exampleSettings, resourcesOf, statementsOf, synthStack, type Synthesized } from '../helpers/synth';

function notifierStatements(synthesized: Synthesized): any[] {
  return statementsOf(resourcesOf(synthesized, 'aws_iam_role_policy').find((policy) => policy.role.includes('notifier')).policy);
}

const existingParameter = { accountDisplayName: { existingParameterName: '/org/account-display-name' } };

describe('grants of the resources the notifier uses', () => {
  it('let it decrypt an existing display name parameter (it may be a SecureString), only that one and only through SSM', () => {
    const statements = notifierStatements(synthStack(exampleSettings('prod', existingParameter)));
    const read = statements.findIndex((statement) => statement.Sid === 'ReadAccountDisplayName');
    expect(statements.slice(read, read + 2)).toEqual([
      { Sid: 'ReadAccountDisplayName', Effect: 'Allow', Action: 'ssm:GetParameter', Resource: 'arn:aws:ssm:ap-northeast-1:333333333333:parameter/org/account-display-name' },
      {
        Sid: 'DecryptAccountDisplayName',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: 'arn:aws:kms:ap-northeast-1:333333333333:key/*',
        Condition: {
          StringEquals: {
            'kms:ViaService': 'ssm.ap-northeast-1.amazonaws.com',
            'kms:EncryptionContext:PARAMETER_ARN': 'arn:aws:ssm:ap-northeast-1:333333333333:parameter/org/account-display-name',
          },
        },
      },
    ]);
  });

  it('write the decrypt grant for the partition and endpoints of the region', () => {
    const china = synthStack(exampleSettings('prod', { ...existingParameter, region: 'cn-north-1' }));
    expect(notifierStatements(china).find((statement) => statement.Sid === 'DecryptAccountDisplayName')).toEqual(
      expect.objectContaining({
        Resource: 'arn:aws-cn:kms:cn-north-1:333333333333:key/*',
        Condition: {
          StringEquals: {
            'kms:ViaService': 'ssm.cn-north-1.amazonaws.com.cn',
            'kms:EncryptionContext:PARAMETER_ARN': 'arn:aws-cn:ssm:cn-north-1:333333333333:parameter/org/account-display-name',
          },
        },
      }),
    );
  });

  it('grant no decryption for the String parameter the stack creates', () => {
    const statements = notifierStatements(synthStack(exampleSettings('prod')));
    expect(statements.map((statement) => statement.Sid)).not.toContain('DecryptAccountDisplayName');
    expect(statements.filter((statement) => [statement.Action].flat().includes('kms:Decrypt')).map((statement) => statement.Sid)).toEqual([
      'EncryptAlertsForTheTopic',
    ]);
  });

  it.each([
    ['cn-north-1', 'sns.cn-north-1.amazonaws.com.cn'],
    ['us-gov-west-1', 'sns.us-gov-west-1.amazonaws.com'],
  ])('let the notifier use the topic key through SNS in %s only', (region, host) => {
    const statements = notifierStatements(synthStack(exampleSettings('prod', { region })));
    expect(statements.find((statement) => statement.Sid === 'EncryptAlertsForTheTopic').Condition).toEqual({ StringEquals: { 'kms:ViaService': host } });
  });
});

describe('Terraform addresses', () => {
  const prod = synthStack(exampleSettings('prod'));

  it('stay where they were for the dead-letter queue and the idempotency table, so a deployed stack keeps them', () => {
    expect(Object.keys(prod.resource.aws_sqs_queue!)).toEqual(['notifier_dead-letter-queue_5A7616D3']);
    expect(Object.keys(prod.resource.aws_dynamodb_table!)).toContain('notifier_idempotency-table_03A4CF42');
  });

  it('move the queue policy from its former address instead of replacing it', () => {
    const [policyAddress] = Object.keys(prod.resource.aws_sqs_queue_policy!);
    expect((prod as any).moved).toEqual([
      { from: 'aws_sqs_queue_policy.notifier_dead-letter-queue-policy_46CCA38E', to: `aws_sqs_queue_policy.${policyAddress}` },
    ]);
  });
});
