import { Construct } from 'constructs';
import { Lazy } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { arn, type AwsLocation } from './aws-arn';
import { policyDocument, type PolicyHolder, type PolicyStatement } from './iam-policy';
import { notifierLookupStatements } from './notifier';

export interface SpokeReadRoleProps {
  readonly roleName: string;
  readonly location: AwsLocation;
  /** The hub functions' roles that may assume this one, and no other principal: the notifier's and the weekly report's. */
  readonly hubReaderRoleArns: readonly string[];
  /** The hub's account, whose root the trust policy names (narrowed to the hub functions' roles by condition). */
  readonly hubAccountRoot: string;
}

/**
 * The role a spoke lends its hub's notifier and weekly report: it reads what a mail about the spoke
 * needs (the failed command's output, the association run's command, the instance's Name tag, the
 * node's details, the account's display name; for the report, see `lendToWeeklyReport`) and nothing
 * else. The trust names the hub account and requires the caller to be one of those functions' roles
 * by ARN: IAM checks such a condition at AssumeRole time, so the spoke can be applied before its hub,
 * and a hub role that is recreated is still recognised (a role named as principal is pinned to the
 * role's internal ID and silently stops matching when it is recreated).
 */
export class SpokeReadRole extends Construct implements PolicyHolder {
  readonly role: IamRole;
  readonly roleArn: string;
  private readonly statements: PolicyStatement[] = [];

  constructor(scope: Construct, id: string, props: SpokeReadRoleProps) {
    super(scope, id);
    const { location } = props;
    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      description: 'Lets only the ssm-agent-ops hub notifier and weekly report read what their mails about this spoke need',
      maxSessionDuration: 3600,
      assumeRolePolicy: policyDocument([
        {
          Sid: 'HubReadersOnly',
          Effect: 'Allow',
          Principal: { AWS: props.hubAccountRoot },
          Action: 'sts:AssumeRole',
          Condition: { ArnEquals: { 'aws:PrincipalArn': props.hubReaderRoleArns.length === 1 ? props.hubReaderRoleArns[0]! : [...props.hubReaderRoleArns] } },
        },
      ]),
    });
    this.roleArn = arn(location, 'iam', `role/${props.roleName}`, '');
    // The same reads the notifier makes in its own account.
    this.addToRolePolicy(...notifierLookupStatements(location));
    new IamRolePolicy(this, 'policy', {
      name: 'hub-notifier-reads',
      role: this.role.name,
      policy: Lazy.stringValue({ produce: () => policyDocument(this.statements) }),
    });
  }

  addToRolePolicy(...statements: readonly PolicyStatement[]): void {
    this.statements.push(...statements);
  }

  /**
   * Adds the reads of the hub's weekly report of this spoke: the registry (through `registry`'s own
   * grant), finding the two update associations by name, their runs and per-node results, the managed
   * nodes and the CloudWatch Agent's recent metrics.
   */
  lendToWeeklyReport(props: { readonly location: AwsLocation; readonly associationIds: { readonly ssmAgent: string; readonly cloudWatchAgent: string } }): void {
    const { location, associationIds } = props;
    this.addToRolePolicy(
      // ListAssociations supports no resource-level permissions; it names the associations, nothing more.
      { Sid: 'FindUpdateAssociations', Effect: 'Allow', Action: 'ssm:ListAssociations', Resource: '*' },
      {
        Sid: 'ReadUpdateResults',
        Effect: 'Allow',
        Action: ['ssm:DescribeAssociationExecutions', 'ssm:DescribeAssociationExecutionTargets'],
        Resource: [arn(location, 'ssm', `association/${associationIds.ssmAgent}`), arn(location, 'ssm', `association/${associationIds.cloudWatchAgent}`)],
      },
      { Sid: 'ListRecentAgentMetrics', Effect: 'Allow', Action: 'cloudwatch:ListMetrics', Resource: '*' },
    );
  }
}
