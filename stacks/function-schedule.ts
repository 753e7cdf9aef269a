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
  /** An EventBridge schedule expression: `rate(N minutes)`, or a `cron(…)` in UTC. */
  readonly scheduleExpression: string;
  readonly function: PackagedFunction;
  readonly location: AwsLocation;
  /**
   * How long an invocation may wait (throttled, for example) before Lambda drops it: one period, since
   * by then the next scheduled run has started.
   */
  readonly maximumEventAgeSeconds: number;
  /**
   * For work that the next scheduled run does not repeat soon (a weekly report): Lambda retries a
   * failed run this often (0 to 2) and sends an invocation that failed every attempt, or waited too
   * long, to this queue or topic. Unset: no retries, nothing kept.
   */
  readonly retries?: { readonly attempts: number; readonly onFailureDestinationArn: string };
}

/**
 * Runs a function on an EventBridge schedule. By default a run that fails is not retried: the next
 * scheduled run does the same work with fresher data, and a function that keeps failing pages through
 * its error alarm. With `retries`, a failed run is retried and, failing still, kept in a queue.
 */
export class FunctionSchedule extends Construct {
  readonly rule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: FunctionScheduleProps) {
    super(scope, id);
    const fn = props.function;
    if (props.retries) {
      new LambdaFunctionEventInvokeConfig(this, 'retries', {
        functionName: fn.functionName,
        maximumRetryAttempts: props.retries.attempts,
        maximumEventAgeInSeconds: props.maximumEventAgeSeconds,
        destinationConfig: { onFailure: { destination: props.retries.onFailureDestinationArn } },
      });
    } else {
      new LambdaFunctionEventInvokeConfig(this, 'no-retries', {
        functionName: fn.functionName,
        maximumRetryAttempts: 0,
        maximumEventAgeInSeconds: props.maximumEventAgeSeconds,
      });
    }
    this.rule = new CloudwatchEventRule(this, 'rule', {
      name: props.ruleName,
      description: props.description,
      scheduleExpression: props.scheduleExpression,
    });
    new CloudwatchEventTarget(this, 'target', {
      rule: this.rule.name,
      arn: fn.functionArn,
      // An event EventBridge could not hand to Lambda lands in the same queue as a run that failed.
      ...(props.retries ? { deadLetterConfig: { arn: props.retries.onFailureDestinationArn } } : {}),
    });
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
