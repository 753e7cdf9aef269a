import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SSMClient } from '@aws-sdk/client-ssm';
import { sdkClientConfig } from '../shared/sdk';
import { createMonitor } from './monitor';
import { readMonitorEnvironment } from './settings';

/** Runs every minute: watches every managed node's agent connection with one alarm per node. */
export const handler = createMonitor({
  ssm: new SSMClient(sdkClientConfig),
  cloudwatch: new CloudWatchClient(sdkClientConfig),
  settings: readMonitorEnvironment(process.env),
});
