import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { agentWatchEnvironment, type AgentWatchEnvironmentSettings } from '../../contract/agent-watch-environment';
import { alertDeliveryEnvironment } from '../../contract/alert-delivery-environment';
import { fleetInventoryEnvironment, type FleetInventoryEnvironmentSettings } from '../../contract/fleet-inventory-environment';
import { subscriptionCheckEnvironment, type SubscriptionCheckEnvironmentSettings } from '../../contract/subscription-check-environment';
import { SERVICE_NAME_VARIABLE } from '../../contract/function-environment';
import { notifierEnvironment, type NotifierEnvironmentSettings } from '../../contract/notifier-environment';

const ROOT = join(__dirname, '..', '..');

const notifier: NotifierEnvironmentSettings = {
  topicArn: 'arn:aws:sns:ap-northeast-1:333333333333:OPE',
  displayNameParameter: '/ops/ssm-agent-ops/prod/account-display-name',
  idempotencyTable: 'ssm-agent-ops-prod-notifier-idempotency',
  watchedStatuses: ['Failed', 'TimedOut'],
  agentAlarmPrefix: 'ssm-agent-ops-prod-agent-',
  language: 'en',
  timeZone: 'Asia/Tokyo',
  environmentName: 'prod',
  runbookBaseUrl: 'https://git.example.com/ops/ssm-agent-ops/blob/main',
  notesTable: 'ssm-agent-ops-prod-alert-notes',
};
const watch: AgentWatchEnvironmentSettings = {
  namespace: 'SSMAgentOps/prod',
  alarmNamePrefix: 'ssm-agent-ops-prod-agent-',
  registryTable: 'ssm-agent-ops-prod-node-registry',
  notesTable: 'ssm-agent-ops-prod-alert-notes',
  muteTag: { key: 'ssm-agent-ops:mute', value: 'true' },
  startGraceMinutes: 10,
  storm: { threshold: 10, windowMinutes: 5 },
  notifierFunction: 'ssm-agent-ops-prod-notifier',
};
const inventory: FleetInventoryEnvironmentSettings = {
  namespace: watch.namespace,
  alarmNamePrefix: watch.alarmNamePrefix,
  registryTable: watch.registryTable,
  muteTag: watch.muteTag,
  startGraceMinutes: watch.startGraceMinutes,
  storm: watch.storm,
  notifierFunction: watch.notifierFunction,
  scopeTag: { key: 'patch group', values: ['web', 'batch'] },
  inventoryMinutes: 15,
  sweepMinutes: 120,
  alarmWritesPerSecond: 2.5,
  updateTargetTag: { key: 'ope-type', values: ['auto'] },
  missingScope: 'all-running',
};

const subscriptionCheck: SubscriptionCheckEnvironmentSettings = {
  topicArn: 'arn:aws:sns:ap-northeast-1:333333333333:OPE',
  emails: ['ops@example.com', 'ops-oncall@example.com'],
  stateTable: 'ssm-agent-ops-prod-subscription-state',
  namespace: 'SSMAgentOps/prod',
  maxPendingHours: 24,
  displayNameParameter: '/ops/ssm-agent-ops/prod/account-display-name',
  language: 'ja',
  timeZone: 'Asia/Tokyo',
  environmentName: 'prod',
  runbookBaseUrl: undefined,
};

describe('function environments', () => {
  it('give the handler back exactly the settings the stack encoded', () => {
    expect(notifierEnvironment.decode(notifierEnvironment.encode(notifier))).toEqual(notifier);
    // An optional setting without a value comes back absent rather than undefined.
    expect(subscriptionCheckEnvironment.decode(subscriptionCheckEnvironment.encode(subscriptionCheck))).toEqual(
      Object.fromEntries(Object.entries(subscriptionCheck).filter(([, value]) => value !== undefined)),
    );
    const delivery = { chatTopicArn: 'arn:aws:sns:ap-northeast-1:333333333333:ssm-agent-ops-prod-chat', unsubscribeContact: '運用チーム (内線 1234)' };
    expect(alertDeliveryEnvironment.decode(alertDeliveryEnvironment.encode(delivery))).toEqual(delivery);
    expect(alertDeliveryEnvironment.encode({ chatTopicArn: undefined, unsubscribeContact: undefined })).toEqual({});
    expect(agentWatchEnvironment.decode(agentWatchEnvironment.encode(watch))).toEqual(watch);
    expect(fleetInventoryEnvironment.decode(fleetInventoryEnvironment.encode(inventory))).toEqual(inventory);
    const unscoped = { ...inventory, scopeTag: undefined };
    expect(fleetInventoryEnvironment.decode(fleetInventoryEnvironment.encode(unscoped))).toEqual(JSON.parse(JSON.stringify(unscoped)));
  });

  it('leave optional settings unset rather than empty', () => {
    const encoded = notifierEnvironment.encode({ ...notifier, runbookBaseUrl: undefined });
    expect(Object.values(encoded)).not.toContain('');
    expect(Object.keys(encoded)).toHaveLength(notifierEnvironment.variableNames.length - 1);
  });

  it('encode Terraform tokens unchanged, since they resolve only at apply time', () => {
    const token = '${TfToken[TOKEN.42]}';
    const encoded = notifierEnvironment.encode({ ...notifier, topicArn: token, idempotencyTable: token });
    expect(Object.values(encoded).filter((value) => value === token)).toHaveLength(2);
    expect(() => notifierEnvironment.decode(encoded)).toThrow(`${notifierEnvironment.variables.topicArn} = "${token}" is not allowed; allowed: an ARN`);
  });

  it('name Powertools the service of every log line after the function', () => {
    expect(notifierEnvironment.encode(notifier)[SERVICE_NAME_VARIABLE]).toBe('notifier');
    expect(agentWatchEnvironment.encode(watch)[SERVICE_NAME_VARIABLE]).toBe('agent-watch');
    expect(fleetInventoryEnvironment.encode(inventory)[SERVICE_NAME_VARIABLE]).toBe('fleet-inventory');
  });

  it('fail the cold start naming every missing or bad variable at once', () => {
    const names = notifierEnvironment.variables;
    const variables: Record<string, string | undefined> = { ...notifierEnvironment.encode(notifier), [names.language]: 'fr', [names.runbookBaseUrl]: 'not a url' };
    delete variables[names.topicArn];
    let message = '';
    try {
      notifierEnvironment.decode(variables);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n')).toEqual([
      "The notifier function's environment is invalid:",
      `  - ${names.topicArn} is missing`,
      `  - ${names.language} = "fr" is not allowed; allowed: one of ja, en`,
      `  - ${names.runbookBaseUrl} = "not a url" is not allowed; allowed: a URL`,
    ]);

    expect(() => subscriptionCheckEnvironment.decode({ ...subscriptionCheckEnvironment.encode(subscriptionCheck), [subscriptionCheckEnvironment.variables.maxPendingHours]: '1.5' })).toThrow(
      `The subscription-check function's environment is invalid:\n  - ${subscriptionCheckEnvironment.variables.maxPendingHours} = "1.5" is not allowed; allowed: a whole number of hours`,
    );
    expect(() => alertDeliveryEnvironment.decode({ [alertDeliveryEnvironment.variables.chatTopicArn]: 'chat' })).toThrow(
      `The alert delivery environment is invalid:\n  - ${alertDeliveryEnvironment.variables.chatTopicArn} = "chat" is not allowed; allowed: an ARN`,
    );
    const { scopeTag: scopeVariable, alarmWritesPerSecond: rateVariable } = fleetInventoryEnvironment.variables;
    expect(() =>
      fleetInventoryEnvironment.decode({ ...fleetInventoryEnvironment.encode(inventory), [scopeVariable]: '{"key":"","values":[]}', [rateVariable]: '0' }),
    ).toThrow(
      `The fleet-inventory function's environment is invalid:\n  - ${scopeVariable}.key = "" is not allowed; allowed: non-empty text\n  - ${scopeVariable}.values = [] is not allowed; allowed: at least one tag value\n  - ${rateVariable} = 0 is not allowed; allowed: a positive number of calls per second`,
    );
  });

  it('are each named in exactly one place in the source', () => {
    const sources = ['main.ts', 'bootstrap.ts', 'README.md', 'DEVELOPERS.md', 'contract', 'config', 'stacks', 'lambdas', 'scripts', '__tests__'].flatMap((entry) => {
      const path = join(ROOT, entry);
      if (statSync(path).isFile()) return [path];
      return readdirSync(path, { recursive: true, encoding: 'utf8' })
        .map((name) => join(path, name))
        .filter((file) => /\.(ts|cjs|js|mjs|json|md)$/.test(file) && statSync(file).isFile());
    });
    const texts = sources.map((file) => ({ file: relative(ROOT, file), text: readFileSync(file, 'utf8') }));
    const environments = [notifierEnvironment, agentWatchEnvironment, fleetInventoryEnvironment, subscriptionCheckEnvironment, alertDeliveryEnvironment];
    for (const name of new Set(environments.flatMap((environment) => environment.variableNames))) {
      const places = texts.flatMap(({ file, text }) => [...text.matchAll(new RegExp(`\\b${name}\\b`, 'g'))].map(() => file));
      expect({ name, places }).toEqual({ name, places: [expect.stringMatching(/^contract\//)] });
    }
  });
});
