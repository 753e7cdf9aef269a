import {
  associationStatusChange,
  failedPackageAssociation,
  failedPackageInvocation,
  failedUpdateAssociation,
  failedUpdateInvocation,
} from '../../../fixtures/events';
import { setTimeout as sleep } from 'node:timers/promises';
import { sdkClientConfig } from '../../../lambdas/shared/sdk';
import { CONNECTION_RESET, UNAVAILABLE_PAGE, denied, serverError, throttled } from '../../helpers/aws-faults';
import type { Fault } from '../../helpers/fake-aws';
import { contextWithTimeout } from './harness';
import { wireNotifier, type Delivery, type WireNotifier } from './wire-harness';

// Every test here runs the notifier with real AWS SDK clients against the wire-level fake: the SDK
// parses each protocol's real error answers, classifies them and retries them (see wire-harness.ts
// for the one difference from Lambda: no backoff waits).

/** Short waits, so that tests of the waits take milliseconds. */
const FAST = { twinPollMs: 10, twinReserveMs: 200, recordAgainPauseMs: 10, finishMs: 50 };
const MAX_ATTEMPTS = sdkClientConfig.maxAttempts;

describe('the notifier through the AWS SDK, against AWS error answers', () => {
  let notifier: WireNotifier;
  beforeEach(async () => (notifier = await wireNotifier({ timing: FAST })));
  afterEach(() => notifier.stop());

  describe('the SDK', () => {
    it.each<[string, Fault]>([
      ['throttled (ThrottlingException, 400)', throttled('SSM.GetCommandInvocation')],
      ['a 500 (InternalServerError)', serverError('SSM.GetCommandInvocation')],
      ['a load balancer’s 503 page', UNAVAILABLE_PAGE],
      ['a reset connection', CONNECTION_RESET],
    ])('retries a call answered %s, and the mail has everything', async (_case, fault) => {
      notifier.fake.inject('SSM.GetCommandInvocation', fault, 2);
      expect(await notifier.deliver(failedUpdateInvocation())).toEqual({ ok: true });
      expect(notifier.fake.callsOf('SSM.GetCommandInvocation')).toHaveLength(3);
      expect(notifier.mails()).toHaveLength(1);
      expect(notifier.mails()[0]!.Message).toContain('dial tcp 52.219.152.10:443: i/o timeout');
    });

    it(`gives up after ${MAX_ATTEMPTS} attempts, and the mail says the output is missing for a temporary error`, async () => {
      notifier.fake.inject('SSM.GetCommandInvocation', throttled('SSM.GetCommandInvocation'));
      expect(await notifier.deliver(failedUpdateInvocation())).toEqual({ ok: true });
      expect(notifier.fake.callsOf('SSM.GetCommandInvocation')).toHaveLength(MAX_ATTEMPTS);
      expect(notifier.mails()[0]!.Message).toContain('エラー出力は一時的なエラーのため取得できませんでした');
    });

    it('does not retry a call IAM denies, and the mail names the missing permission', async () => {
      notifier.fake.inject('SSM.GetCommandInvocation', denied('SSM.GetCommandInvocation'));
      expect(await notifier.deliver(failedUpdateInvocation())).toEqual({ ok: true });
      expect(notifier.fake.callsOf('SSM.GetCommandInvocation')).toHaveLength(1);
      expect(notifier.mails()[0]!.Message).toContain('ssm:GetCommandInvocation の権限がありません');
    });

    it('retries SNS’s throttling (Throttled, 429) and mails once', async () => {
      notifier.fake.inject('SNS.Publish', throttled('SNS.Publish'), 3);
      expect(await notifier.deliver(failedUpdateInvocation())).toEqual({ ok: true });
      expect(notifier.fake.callsOf('SNS.Publish')).toHaveLength(4);
      expect(notifier.mails()).toHaveLength(1);
    });

    it('does not retry KMS throttling on publish (not on the SDK’s list): the invocation fails, and its retry mails once', async () => {
      notifier.fake.inject('SNS.Publish', { kind: 'error', status: 400, code: 'KMSThrottling', message: 'Rate exceeded for KMS' }, 1);
      const first = await notifier.deliver(failedUpdateInvocation());
      expect(first).toMatchObject({ ok: false, error: { name: 'KMSThrottlingException' } });
      expect(notifier.fake.callsOf('SNS.Publish')).toHaveLength(1);
      expect(await notifier.deliver(failedUpdateInvocation())).toEqual({ ok: true });
      expect(notifier.mails()).toHaveLength(1);
    });
  });

  describe('one failed run, both of its events, a fault on any call the notifier makes', () => {
    /**
     * Lambda's handling of one asynchronous event: the first attempt and two retries (the fault is
     * still there for all three), then the dead-letter queue. Resolves to the events that ended there.
     */
    async function deliverAsLambda(events: unknown[], together: boolean): Promise<unknown[]> {
      let pending = events;
      for (let attempt = 0; attempt < 3 && pending.length > 0; attempt++) {
        const results: Delivery[] = together
          ? await Promise.all(pending.map((event) => notifier.deliver(event)))
          : await pending.reduce<Promise<Delivery[]>>(async (done, event) => [...(await done), await notifier.deliver(event)], Promise.resolve([]));
        pending = pending.filter((_, index) => !results[index]!.ok);
      }
      return pending;
    }

    const CALLS = [
      'SSM.DescribeAssociationExecutions',
      'SSM.DescribeAssociationExecutionTargets',
      'SSM.GetCommandInvocation',
      'SSM.ListCommands',
      'SSM.GetParameter',
      'Tagging.GetResources',
      'SNS.Publish',
      'DynamoDB.PutItem',
    ];
    const FAULTS = { throttled, 'a 5xx answer': serverError, denied };
    const ORDERS = {
      'the association event first': { events: () => [failedPackageAssociation(), failedPackageInvocation()], together: false },
      'the Run Command event first': { events: () => [failedPackageInvocation(), failedPackageAssociation()], together: false },
      'both at the same moment': { events: () => [failedPackageAssociation(), failedPackageInvocation()], together: true },
    };

    it('covers every call the notifier makes for them (the calls made only after another fails are tested on their own below)', async () => {
      await deliverAsLambda(ORDERS['both at the same moment'].events(), true);
      const made = new Set(notifier.fake.calls.map((call) => call.operation));
      expect([...made].sort()).toEqual([...CALLS, 'DynamoDB.UpdateItem'].sort());
    });

    it('links through the node’s invocations when the association’s runs are denied, and fails the invocation while that lookup is throttled', async () => {
      notifier.fake.inject('SSM.DescribeAssociationExecutions', denied('SSM.DescribeAssociationExecutions'));
      notifier.fake.inject('SSM.ListCommandInvocations', throttled('SSM.ListCommandInvocations'));
      const deadLettered = await deliverAsLambda(ORDERS['the association event first'].events(), false);
      expect(deadLettered).toHaveLength(1);
      expect(notifier.fake.callsOf('SSM.ListCommandInvocations')).toHaveLength(3 * MAX_ATTEMPTS);
      notifier.fake.heal();
      notifier.fake.inject('SSM.DescribeAssociationExecutions', denied('SSM.DescribeAssociationExecutions'));
      expect(await notifier.deliver(deadLettered[0])).toEqual({ ok: true });
      expect(notifier.mails()).toHaveLength(1);
    });

    it('says so, as documented, when both ways of linking are denied: the Run Command mail of the run may then come too', async () => {
      notifier.fake.inject('SSM.DescribeAssociationExecutions', denied('SSM.DescribeAssociationExecutions'));
      notifier.fake.inject('SSM.ListCommandInvocations', denied('SSM.ListCommandInvocations'));
      expect(await deliverAsLambda(ORDERS['the association event first'].events(), false)).toEqual([]);
      const [association, command] = notifier.mails();
      expect(association!.Message).toContain('同じ失敗について Run Command の失敗通知が別に届くことがあります。');
      expect(command!.Message).toContain('(Run Command、状態: Failed)');
    });

    it('never mails twice when a failed attempt cannot let go of the run (DynamoDB.DeleteItem refused): the key frees itself at that invocation’s deadline', async () => {
      notifier.fake.inject('SNS.Publish', throttled('SNS.Publish'), MAX_ATTEMPTS);
      notifier.fake.inject('DynamoDB.DeleteItem', denied('DynamoDB.DeleteItem'));
      const first = await notifier.deliver(failedPackageInvocation(), contextWithTimeout(800));
      expect(first).toMatchObject({ ok: false, error: { name: 'IdempotencyPersistenceLayerError' } });
      expect(notifier.fake.callsOf('DynamoDB.DeleteItem')).toHaveLength(1);
      expect(await notifier.deliver(failedPackageAssociation(), contextWithTimeout(300))).toMatchObject({ ok: false, error: { name: 'IdempotencyAlreadyInProgressError' } });
      await sleep(800);
      expect(await notifier.deliver(failedPackageAssociation())).toEqual({ ok: true });
      expect(await notifier.deliver(failedPackageInvocation())).toEqual({ ok: true });
      expect(notifier.mails()).toHaveLength(1);
    });

    const cases = CALLS.flatMap((call) =>
      Object.keys(FAULTS).flatMap((fault) => Object.keys(ORDERS).map((order) => [call, fault, order] as [string, keyof typeof FAULTS, keyof typeof ORDERS])),
    );
    it.each(cases)('%s %s, %s: never two mails; exactly one once the fault is gone', async (call, faultName, orderName) => {
      const order = ORDERS[orderName];
      notifier.fake.inject(call, FAULTS[faultName](call));
      const deadLettered = await deliverAsLambda(order.events(), order.together);
      expect(notifier.mails().length).toBeLessThanOrEqual(1);

      // The fault ends; what was dead-lettered is invoked again (help/notifier-or-monitor-failure),
      // and EventBridge delivers both events once more for good measure.
      notifier.fake.heal();
      for (const event of deadLettered) expect(await notifier.deliver(event)).toEqual({ ok: true });
      expect(await Promise.all(order.events().map((event) => notifier.deliver(event)))).toEqual([{ ok: true }, { ok: true }]);

      const mails = notifier.mails();
      expect(mails).toHaveLength(1);
      // Without the display name parameter, the mail names the account by its ID.
      const account = call === 'SSM.GetParameter' ? '333333333333' : '本番アカウント';
      expect(mails[0]!.Subject).toBe(`【SSM 失敗通知】${account}: AWS-ConfigureAWSPackage 失敗 (Failed)`);
    });
  });

  describe('recording a published mail as sent (DynamoDB.UpdateItem)', () => {
    it('tries again when DynamoDB refuses it past the SDK’s retries, and succeeds: the other event of the run sends nothing', async () => {
      // Powertools' own attempt (the SDK's 5 calls) fails, and so do the next 3 calls.
      notifier.fake.inject('DynamoDB.UpdateItem', throttled('DynamoDB.UpdateItem'), MAX_ATTEMPTS + 3);
      expect(await notifier.deliver(failedPackageInvocation())).toEqual({ ok: true });
      expect(notifier.fake.table.completed()).toHaveLength(1);
      expect(await notifier.deliver(failedPackageAssociation())).toEqual({ ok: true });
      expect(notifier.mails()).toHaveLength(1);
    });

    it('succeeds once the mail is out even if it never gets recorded, so that Lambda does not retry and mail it again', async () => {
      notifier.fake.inject('DynamoDB.UpdateItem', serverError('DynamoDB.UpdateItem'));
      expect(await notifier.deliver(failedPackageInvocation(), contextWithTimeout(1000))).toEqual({ ok: true });
      expect(notifier.mails()).toHaveLength(1);
      // Retried until the invocation's end, each try through the SDK's own attempts.
      expect(notifier.fake.callsOf('DynamoDB.UpdateItem').length).toBeGreaterThan(2 * MAX_ATTEMPTS);
    });

    it('leaves one window, as documented: an event of the same run arriving after that invocation’s deadline mails again', async () => {
      notifier.fake.inject('DynamoDB.UpdateItem', serverError('DynamoDB.UpdateItem'));
      const first = notifier.deliver(failedPackageInvocation(), contextWithTimeout(1000));
      // The other event, during the first invocation, waits for it instead of mailing.
      const twin = await notifier.deliver(failedPackageAssociation(), contextWithTimeout(600));
      expect(twin).toMatchObject({ ok: false, error: { name: 'IdempotencyAlreadyInProgressError' } });
      expect(await first).toEqual({ ok: true });
      expect(notifier.mails()).toHaveLength(1);

      notifier.fake.heal();
      expect(await notifier.deliver(failedPackageAssociation())).toEqual({ ok: true });
      expect(notifier.mails()).toHaveLength(2);
    });
  });

  describe('both events of one run at the same moment, with slow lookups', () => {
    it('lets the second wait for the first for as long as its invocation has time: one mail, no error', async () => {
      notifier.fake.delay('SSM.GetCommandInvocation', 1200);
      const [command, association] = await Promise.all([
        notifier.deliver(failedPackageInvocation(), contextWithTimeout(3000)),
        notifier.deliver(failedPackageAssociation(), contextWithTimeout(3000)),
      ]);
      expect([command, association]).toEqual([{ ok: true }, { ok: true }]);
      expect(notifier.mails()).toHaveLength(1);
      expect(notifier.mails()[0]!.Message).toContain('msiexec: a fatal error occurred during installation (1603)');
    });

    it('fails the second when its own time runs out first, and its retry sends nothing more', async () => {
      notifier.fake.delay('SSM.GetCommandInvocation', 1200);
      const [command, association] = await Promise.all([
        notifier.deliver(failedPackageInvocation(), contextWithTimeout(3000)),
        notifier.deliver(failedPackageAssociation(), contextWithTimeout(700)),
      ]);
      expect(command).toEqual({ ok: true });
      expect(association).toMatchObject({ ok: false, error: { name: 'IdempotencyAlreadyInProgressError' } });
      expect(await notifier.deliver(failedPackageAssociation())).toEqual({ ok: true });
      expect(notifier.mails()).toHaveLength(1);
    });
  });

  describe('an association run that failed as a whole', () => {
    it('is mailed once however often it is delivered, even with its run record unreadable', async () => {
      notifier.fake.inject('SSM.DescribeAssociationExecutions', throttled('SSM.DescribeAssociationExecutions'));
      const results = await Promise.all([notifier.deliver(associationStatusChange()), notifier.deliver(associationStatusChange())]);
      expect(results).toEqual([{ ok: true }, { ok: true }]);
      expect(await notifier.deliver(associationStatusChange())).toEqual({ ok: true });
      expect(notifier.mails()).toHaveLength(1);
      expect(notifier.mails()[0]!.Message).toContain('対象ノードの結果: 失敗 1 台、成功 1 台');
    });

    it('is mailed next to the mail of its failed node, one each, whatever is delivered twice', async () => {
      const run = [associationStatusChange(), failedUpdateAssociation(), failedUpdateInvocation()];
      await Promise.all(run.map((event) => notifier.deliver(event)));
      await Promise.all([...run, ...run].map((event) => notifier.deliver(event)));
      expect(notifier.mails().map((mail) => mail.Subject).sort()).toEqual([
        '【SSM 失敗通知】本番アカウント: AWS-UpdateSSMAgent 失敗 (Failed)',
        '【SSM 関連付け失敗】本番アカウント: AWS-UpdateSSMAgent の実行が失敗 (Failed)',
      ]);
    });
  });
});
