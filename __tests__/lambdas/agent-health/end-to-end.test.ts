import { agentWatchEnvironment } from '../../../contract/agent-watch-environment';
import { fleetInventoryEnvironment } from '../../../contract/fleet-inventory-environment';
import { FLEET, scheduledEvent } from '../../../fixtures/events';
import { lambdaContext } from '../../../fixtures/lambda-context';
import { SimulatedAws } from '../../../fixtures/simulated-aws';
import { VirtualClock } from '../../../fixtures/virtual-clock';
import { createWatch } from '../../../lambdas/agent-watch/watch';
import { createInventory } from '../../../lambdas/fleet-inventory/inventory';
import { matchesEventPattern } from '../../helpers/event-pattern';
import { exampleSettings, resourcesOf, synthStack } from '../../helpers/synth';
import { notifierHarness } from '../notifier/harness';

// Layer: the watch, the inventory and the notifier as deployed (settings read back from the
// synthesized prod stack, the alarm rule's pattern as synthesized), against the simulation through
// aws-sdk-client-mock; CloudWatch's state changes go through the rule to the notifier, which mails.

const prod = synthStack(exampleSettings('prod'));
const alarmRule = JSON.parse(resourcesOf(prod, 'aws_cloudwatch_event_rule').find((rule) => rule.name === 'ssm-agent-ops-prod-agent-alarm-state').event_pattern);
const variablesOf = (name: string) => resourcesOf(prod, 'aws_lambda_function').find((fn) => fn.function_name === name).environment.variables;
const registryTable = resourcesOf(prod, 'aws_dynamodb_table').find((table) => table.name.endsWith('-node-registry')).name;
const withTable = <T extends object>(settings: T) => ({ ...settings, registryTable: registryTable as string });
const watchSettings = withTable(agentWatchEnvironment.decode(variablesOf('ssm-agent-ops-prod-agent-watch')));
const inventorySettings = withTable(fleetInventoryEnvironment.decode(variablesOf('ssm-agent-ops-prod-fleet-inventory')));

let clock: VirtualClock;
beforeEach(() => (clock = new VirtualClock(Date.parse('2025-03-11T06:00:00Z'))));
afterEach(() => clock.uninstall());

describe('a node that loses its connection and comes back', () => {
  it('gives one ALARM mail and one OK mail in Japanese, and none for the alarms being created', async () => {
    const aws = new SimulatedAws({ account: FLEET.account, region: FLEET.region, latencyMs: 50 });
    aws.nodes.push({ instanceId: FLEET.webInstanceId, pingStatus: 'Online' }, { instanceId: FLEET.windowsInstanceId, pingStatus: 'Online', platformType: 'Windows' });
    const clients = { ssm: aws.ssm, ec2: aws.ec2, cloudwatch: aws.cloudwatch, registry: aws.dynamodb, lambda: aws.lambda };
    const inventory = createInventory({ ...clients, settings: inventorySettings });
    const watch = createWatch({ ...clients, settings: watchSettings });
    const notifier = notifierHarness();
    let delivered = 0;
    const deliverStateChanges = async () => {
      for (const change of aws.stateChanges.slice(delivered)) if (matchesEventPattern(alarmRule, change)) await clock.run(() => notifier.handler(change));
      delivered = aws.stateChanges.length;
    };
    let minute = 0;
    const minutes = async (count: number) => {
      for (let index = 0; index < count; index++) {
        if (minute % inventorySettings.inventoryMinutes === 0) await clock.run(() => inventory(scheduledEvent(), lambdaContext('ssm-agent-ops-prod-fleet-inventory', 900, `inventory-${minute}`)));
        await clock.run(() => watch(scheduledEvent(), lambdaContext('ssm-agent-ops-prod-agent-watch', 55, `watch-${minute}`)));
        await deliverStateChanges();
        minute += 1;
        await clock.advance(60_000 - ((clock.now - Date.parse('2025-03-11T06:00:00Z')) % 60_000));
      }
    };

    await minutes(2);
    expect(aws.alarms.size).toBe(2);
    aws.nodes[1]!.pingStatus = 'ConnectionLost';
    await minutes(3);
    aws.nodes[1]!.pingStatus = 'Online';
    await minutes(20);

    expect(notifier.mails().map((mail) => mail.Subject)).toEqual([
      '【SSM 接続断】本番アカウント: i-0c90ceacf4b0ea3e5 (win-app-02)',
      '【SSM 接続回復】本番アカウント: i-0c90ceacf4b0ea3e5 (win-app-02)',
    ]);
    expect(notifier.mails()[0]!.Message).toContain('SSM Agent と通信できなくなりました');
    expect(notifier.mails()[1]!.Message).toContain('SSM Agent と再び通信できるようになりました');
  });
});
