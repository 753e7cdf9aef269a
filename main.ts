import { join } from 'node:path';
import { App } from 'cdktf';
import { environments } from './config/environments';
import { exitOnConfigurationError, loadDeployments } from './config/load';
import { SsmAgentOpsStack } from './stacks/ssm-agent-ops-stack';

function main(): void {
  // Settings are checked before the App exists: the App creates the output directory.
  const deployments = loadDeployments(environments, { lambdaPackaging: process.env.LAMBDA_PACKAGING });
  const app = new App();
  for (const deployment of deployments) {
    new SsmAgentOpsStack(app, { settings: deployment.settings, deployment, bundlesDir: join(__dirname, 'dist') });
  }
  app.synth();
}

exitOnConfigurationError(main);
