import { Construct } from 'constructs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import type { AwsLocation } from './aws-arn';
import type { PackagedFunction } from './packaged-function';

export interface FunctionScheduleProps {
  readonly ruleName: string;
  readonly description: string;
  /** `rate(N minutes)`. */
  readonly scheduleExpression: string;
  readonly function: PackagedFunction;
  readonly location: AwsLocation;
  /**
   * How long an invocation may wait (throttled, for example) before Lambda drops it: one period, since
   * by then the next scheduled run has started.
   */
  readonly maximumEventAgeSeconds: number;
}

/**
 * Runs a function on an EventBridge schedule. A run that fails is not retried: the next scheduled run
 * does the same work with fresher data, and a function that keeps failing pages through its error alarm.
 */
export class FunctionSchedule extends Construct {
  readonly rule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: FunctionScheduleProps) {
    super(scope, id);
    const fn = props.function;
    new LambdaFunctionEventInvokeConfig(this, 'no-retries', {
      functionName: fn.functionName,
      maximumRetryAttempts: 0,
      maximumEventAgeInSeconds: props.maximumEventAgeSeconds,
    });
    this.rule = new CloudwatchEventRule(this, 'rule', {
      name: props.ruleName,
      description: props.description,
      scheduleExpression: props.scheduleExpression,
    });
    new CloudwatchEventTarget(this, 'target', { rule: this.rule.name, arn: fn.functionArn });
    new LambdaPermission(this, 'permission', {
      statementId: 'AllowSchedule',
      action: 'lambda:InvokeFunction',
      functionName: fn.functionName,
      principal: 'events.amazonaws.com',
      sourceArn: this.rule.arn,
      sourceAccount: props.location.accountId,
    });
  }
}
