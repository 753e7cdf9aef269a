import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SSMClient } from '@aws-sdk/client-ssm';
import { agentMonitorEnvironment } from '../../contract/agent-monitor-environment';
import { sdkClientConfig } from '../shared/sdk';
import { createMonitor } from './monitor';

/** Runs every minute: watches every managed node's agent connection with one alarm per node. */
export const handler = createMonitor({
  ssm: new SSMClient(sdkClientConfig),
  cloudwatch: new CloudWatchClient(sdkClientConfig),
  settings: agentMonitorEnvironment.decode(process.env),
});
