import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the AWS sample events shared by all projects live (`../shared/events`). */
export const SAMPLE_EVENTS_DIR = join(__dirname, '..', '..', '..', 'shared', 'events');

/** A fresh copy of one sample event, parsed. */
export function sampleEvent(name: string): any {
  const path = join(SAMPLE_EVENTS_DIR, `${name}.json`);
  if (!existsSync(path)) {
    throw new Error(`Sample event ${path} not found: the tests read the AWS sample events from shared/events beside the repository.`);
  }
  return JSON.parse(readFileSync(path, 'utf8'));
}

export const FAILED_COMMAND = 'ec2-command-invocation-status-change.failed.reconstructed';
export const SUCCEEDED_COMMAND = 'ec2-command-invocation-status-change';
export const COMMAND_LEVEL = 'ec2-command-status-change';
export const FAILED_ASSOCIATION = 'ec2-state-manager-instance-association-state-change.failed.reconstructed';
export const SUCCEEDED_ASSOCIATION = 'ec2-state-manager-instance-association-state-change';
export const ASSOCIATION_LEVEL = 'ec2-state-manager-association-state-change';
export const ALARM = 'cloudwatch-alarm-state-change';
export const SCHEDULED = 'scheduled-event';

/** The published CloudWatch sample, turned into the agent alarm of one node of this product. */
export function agentAlarmEvent(state: 'ALARM' | 'OK', instanceId = 'i-0fedcba9876543210'): any {
  const event = sampleEvent(ALARM);
  event.region = 'ap-northeast-1';
  // Times of the reconstructed fleet: its last ping was 04:40 UTC, detected five minutes later.
  event.time = '2025-01-07T04:45:10Z';
  event.detail.previousState.timestamp = '2025-01-06T22:00:00.000+0000';
  event.detail.state.timestamp = '2025-01-07T04:45:10.000+0000';
  event.detail.alarmName = `ssm-agent-ops-prod-agent-${instanceId}`;
  event.detail.configuration.metrics[0].metricStat.metric = {
    namespace: 'SSMAgentOps/prod',
    name: 'AgentConnectionLost',
    dimensions: { InstanceId: instanceId },
  };
  if (state === 'OK') {
    event.detail.previousState = { ...event.detail.state, value: 'ALARM' };
    event.time = '2025-01-07T05:10:10Z';
    event.detail.state = { ...event.detail.state, value: 'OK', timestamp: '2025-01-07T05:10:10.000+0000' };
  }
  return event;
}
