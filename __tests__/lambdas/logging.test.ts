import type { Context } from 'aws-lambda';
import { failedUpdateInvocation } from '../../fixtures/events';
import { exampleSettings, resourcesOf, synthStack } from '../helpers/synth';

const prod = synthStack(exampleSettings('prod'));

/** A function's environment variables as deployed, references standing in for what they resolve to. */
function deployedEnvironment(functionName: string): Record<string, string> {
  const fn = resourcesOf(prod, 'aws_lambda_function').find((candidate) => candidate.function_name === functionName);
  return Object.fromEntries(
    Object.entries(fn.environment.variables as Record<string, string>).map(([name, value]) => [name, value.replace(/^\$\{.+\}$/, `stand-in-for-${name}`)]),
  );
}

/** JSON log lines written to standard output and error (Lambda collects both) while `run` runs. */
async function logLinesOf(run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const written: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  };
  const spies = [jest.spyOn(process.stdout, 'write').mockImplementation(capture), jest.spyOn(process.stderr, 'write').mockImplementation(capture)];
  try {
    await run();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return written
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Loads modules afresh with the given environment, as a cold start does. */
function coldStart<T>(environment: Record<string, string>, load: () => T): T {
  Object.assign(process.env, environment, { POWERTOOLS_LOG_LEVEL: 'INFO' });
  let loaded: T;
  jest.isolateModules(() => (loaded = load()));
  return loaded!;
}

describe('log lines', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  });

  it("of the notifier carry the service name its environment gives and the invocation's request ID", async () => {
    const environment = deployedEnvironment('ssm-agent-ops-prod-notifier');
    const harness = coldStart(environment, () => (require('./notifier/harness') as typeof import('./notifier/harness')).notifierHarness());
    const lines = await logLinesOf(() => harness.handler(failedUpdateInvocation()));

    expect(harness.mails()).toHaveLength(1);
    expect(lines.map((line) => line.message)).toEqual(expect.arrayContaining(['Event received', 'Mail published']));
    for (const line of lines) {
      expect(line).toEqual(expect.objectContaining({ service: 'notifier', function_request_id: 'request-1', function_name: 'ssm-agent-ops-prod-notifier' }));
    }
  });

  it.each([
    ['agent-watch', 'ssm-agent-ops-prod-agent-watch', 'Watch run complete'],
    ['fleet-inventory', 'ssm-agent-ops-prod-fleet-inventory', 'Inventory run complete'],
  ])("of the %s carry the service name its environment gives and the invocation's request ID", async (service, functionName, lastMessage) => {
    const environment = deployedEnvironment(functionName);
    const run = coldStart(environment, () => {
      const { SimulatedAws } = require('../../fixtures/simulated-aws') as typeof import('../../fixtures/simulated-aws');
      const simulated = new SimulatedAws({ account: '333333333333' });
      simulated.nodes.push({ instanceId: 'i-0123456789abcdef0', pingStatus: 'Mystery' });
      const clients = { ssm: simulated.ssm, ec2: simulated.ec2, cloudwatch: simulated.cloudwatch, registry: simulated.dynamodb, lambda: simulated.lambda };
      if (service === 'agent-watch') {
        const { createWatch } = require('../../lambdas/agent-watch/watch') as typeof import('../../lambdas/agent-watch/watch');
        const { agentWatchEnvironment } = require('../../contract/agent-watch-environment') as typeof import('../../contract/agent-watch-environment');
        return createWatch({ ...clients, settings: agentWatchEnvironment.decode(process.env) });
      }
      const { createInventory } = require('../../lambdas/fleet-inventory/inventory') as typeof import('../../lambdas/fleet-inventory/inventory');
      const { fleetInventoryEnvironment } = require('../../contract/fleet-inventory-environment') as typeof import('../../contract/fleet-inventory-environment');
      return createInventory({ ...clients, settings: fleetInventoryEnvironment.decode(process.env) });
    });
    const context = {
      awsRequestId: 'request-7',
      functionName,
      invokedFunctionArn: `arn:aws:lambda:ap-northeast-1:333333333333:function:${functionName}`,
      getRemainingTimeInMillis: () => 55_000,
    } as Context;
    const lines = await logLinesOf(() => run({ source: 'aws.events' }, context));

    expect(lines.map((line) => line.message)).toContain(lastMessage);
    if (service === 'fleet-inventory') expect(lines.map((line) => line.message)).toContain('Unknown ping status, treated as not online');
    for (const line of lines) {
      expect(line).toEqual(expect.objectContaining({ service, function_request_id: 'request-7', function_name: functionName }));
    }
  });
});
