import { ConfigurationError, loadEnvironments } from '../../config/load';
import { minimalEnvironment } from '../helpers/minimal-environment';

function problems(change: Record<string, unknown>): string[] {
  try {
    loadEnvironments([{ ...minimalEnvironment, ...change }]);
  } catch (error) {
    if (error instanceof ConfigurationError) return [...error.problems];
    throw error;
  }
  return [];
}

const slack = { channel: 'slack', workspaceId: 'T07EA123LEP', channelId: 'C07EZ1ABC23' } as const;

describe('chat settings', () => {
  it('are optional, and default the configuration Region to the nearest one serving the API', () => {
    const [withoutChat] = loadEnvironments([minimalEnvironment]);
    expect(withoutChat!.chat).toBeUndefined();
    const [tokyo] = loadEnvironments([{ ...minimalEnvironment, chat: slack }]);
    expect(tokyo!.chat).toEqual({ ...slack, configurationRegion: 'ap-southeast-1' });
    const regionOf = (region: string) => loadEnvironments([{ ...minimalEnvironment, region, chat: slack }])[0]!.chat;
    expect(regionOf('eu-central-1')).toEqual(expect.objectContaining({ configurationRegion: 'eu-west-1' }));
    expect(regionOf('us-east-1')).toEqual(expect.objectContaining({ configurationRegion: 'us-east-2' }));
    expect(regionOf('us-west-2')).toEqual(expect.objectContaining({ configurationRegion: 'us-west-2' }));
    expect(regionOf('ca-west-1')).toEqual(expect.objectContaining({ configurationRegion: 'us-west-2' }));
  });

  it('name each bad field of the chosen channel', () => {
    expect(problems({ chat: { ...slack, workspaceId: 't07', configurationRegion: 'ap-northeast-1' } })).toEqual([
      'dev › chat.workspaceId = "t07" is not allowed; allowed: a Slack workspace ID such as T07EA123LEP (upper-case letters and digits)',
      'dev › chat.configurationRegion = "ap-northeast-1" is not allowed; allowed: one of us-east-2, us-west-2, ap-southeast-1, eu-west-1 (the Regions serving the chat configuration API)',
    ]);
    expect(problems({ chat: { channel: 'teams', teamId: 'team', channelId: '19:a b' } })).toEqual([
      'dev › chat.teamId = "team" is not allowed; allowed: a GUID such as 0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d',
      'dev › chat.channelId = "19:a b" is not allowed; allowed: a Microsoft Teams channel ID, URL-encoded as the chat console shows it, such as 19%3ab6ef35dc342d56ba5654e6fc6d25a071%40thread.tacv2',
      'dev › chat.tenantId is missing; it is required',
    ]);
    expect(problems({ chat: { channel: 'discord' } })).toEqual([
      'dev › chat.channel = "discord" is not allowed; allowed: an object whose channel is one of slack, teams, topic-only',
    ]);
    expect(problems({ chat: { channel: 'topic-only', workspaceId: 'T1' } })).toEqual([
      'dev › chat: unknown field workspaceId; allowed: only the fields documented in README "Configuration"',
    ]);
    expect(problems({ chat: { ...slack, guardrailPolicyArns: ['AdministratorAccess'] } })).toEqual([
      'dev › chat.guardrailPolicyArns[0] = "AdministratorAccess" is not allowed; allowed: an IAM policy ARN such as arn:aws:iam::aws:policy/ReadOnlyAccess',
    ]);
  });

  it('are refused outside the aws partition, which the chat service does not serve', () => {
    expect(problems({ region: 'cn-north-1', state: { bucket: 'example-tfstate', region: 'cn-north-1' }, chat: { channel: 'topic-only' } })).toEqual([
      'dev › chat = {"channel":"topic-only"} is not allowed; allowed: no chat settings in cn-north-1: Amazon Q Developer in chat applications serves the aws partition only',
    ]);
  });
});

describe('the unsubscribe contact', () => {
  it('is one line of text, without Terraform template syntax', () => {
    expect(problems({ alerts: { ...minimalEnvironment.alerts, unsubscribeContact: '運用チーム (内線 1234)' } })).toEqual([]);
    expect(problems({ alerts: { ...minimalEnvironment.alerts, unsubscribeContact: 'a\nb' } })).toEqual([
      'dev › alerts.unsubscribeContact = "a\\nb" is not allowed; allowed: one line without control characters',
    ]);
    expect(problems({ alerts: { ...minimalEnvironment.alerts, unsubscribeContact: ' ' } })).toEqual([
      'dev › alerts.unsubscribeContact = " " is not allowed; allowed: text that is not blank',
    ]);
    expect(problems({ alerts: { ...minimalEnvironment.alerts, unsubscribeContact: '${var.x}' } })).toHaveLength(1);
  });
});

describe('subscription check settings', () => {
  it('default to 09:00 JST every day and 24 hours for a confirmation', () => {
    expect(loadEnvironments([minimalEnvironment])[0]!.subscriptionCheck).toEqual({ schedule: 'cron(0 0 * * ? *)', maxPendingHours: 24 });
  });

  it('refuse a pending limit SNS would never reach', () => {
    expect(problems({ subscriptionCheck: { maxPendingHours: 73 } })).toEqual([
      'dev › subscriptionCheck.maxPendingHours = 73 is not allowed; allowed: from 1 to 72 hours (SNS deletes a subscription that is not confirmed within 3 days)',
    ]);
    expect(problems({ subscriptionCheck: { maxPendingHours: 1.5 } })).toEqual(['dev › subscriptionCheck.maxPendingHours = 1.5 is not allowed; allowed: a whole number of hours']);
  });
});
