import { decide, heartbeat, metricData, type WatchObservation } from '../../../lambdas/agent-watch/watch-plan';
import type { NodeRecord } from '../../../lambdas/shared/node-registry';

// Layer: what one minute of the watch decides, driven directly.

const withAlarm = (id: string, facts: Partial<NodeRecord> = {}): NodeRecord => ({ id, kind: 'ec2', registered: true, alarm: 'v1', ...facts });
const node = (instanceId: string, pingStatus = 'ConnectionLost') => ({ instanceId, pingStatus });

function observe(observation: Partial<WatchObservation>): WatchObservation {
  return { notOnline: [], notOnlineComplete: true, alarmed: new Set(), records: new Map(), confirmations: new Map(), ...observation };
}

describe('the watch decides', () => {
  it('a 1 for a node not online whose alarm exists and is not in ALARM, nothing for one already in ALARM', () => {
    const decision = decide(
      observe({
        notOnline: [node('i-1'), node('i-2'), node('i-3'), node('i-4'), node('i-5')],
        alarmed: new Set(['i-2']),
        records: new Map([
          ['i-1', withAlarm('i-1')],
          ['i-4', withAlarm('i-4', { alarm: undefined })],
          ['i-5', withAlarm('i-5', { departedAt: '2026-03-02T00:00:00.000Z' })],
        ]),
      }),
    );
    expect(decision.lost).toEqual(['i-1']);
    expect(decision.held).toEqual([
      { instanceId: 'i-3', reason: 'not-in-registry', pingStatus: 'ConnectionLost' },
      { instanceId: 'i-4', reason: 'no-alarm', pingStatus: 'ConnectionLost' },
      { instanceId: 'i-5', reason: 'left', pingStatus: 'ConnectionLost' },
    ]);
  });

  it('a 0 only for a node in ALARM that Systems Manager says is Online when asked by ID', () => {
    const decision = decide(
      observe({
        alarmed: new Set(['i-1', 'i-2', 'i-3', 'i-4']),
        confirmations: new Map([
          ['i-1', node('i-1', 'Online')],
          ['i-2', node('i-2', 'Hibernating')],
          ['i-3', node('i-3', 'ConnectionLost')],
        ]),
      }),
    );
    expect(decision.recovered).toEqual(['i-1']);
    expect(decision.held).toEqual([
      { instanceId: 'i-2', reason: 'unknown-status', pingStatus: 'Hibernating' },
      { instanceId: 'i-3', reason: 'not-online', pingStatus: 'ConnectionLost' },
      { instanceId: 'i-4', reason: 'not-a-managed-node' },
    ]);
  });

  it('no recovery at all from an incomplete read, or when the nodes in ALARM could not be asked about', () => {
    const alarmed = new Set(['i-1']);
    const confirmations = new Map([['i-1', node('i-1', 'Online')]]);
    expect(decide(observe({ alarmed, confirmations, notOnlineComplete: false })).recovered).toEqual([]);
    expect(decide(observe({ alarmed, confirmations: undefined })).recovered).toEqual([]);
  });

  it('fleet counts from this run and the inventory state, and the values in the order they are published', () => {
    const decision = decide(
      observe({
        notOnline: [node('i-1'), node('i-2', 'Inactive'), node('i-9')],
        alarmed: new Set(['i-1']),
        records: new Map([['i-2', withAlarm('i-2')]]),
        state: { generation: 1, counts: { nodes: 12, registered: 10, unknownStatus: 1 }, updatedAt: '2026-03-02T00:00:00.000Z' },
      }),
    );
    // i-9 is not known to the registry: not counted; the unknown status comes from the inventory's sweep.
    expect(decision.counts).toEqual({ Online: 7, ConnectionLost: 1, Inactive: 1, Other: 1 });
    const at = new Date('2026-03-02T00:01:00Z');
    expect(metricData(decision, at).map((datum) => [datum.MetricName, datum.Dimensions?.[0]?.Value, datum.Value])).toEqual([
      ['AgentConnectionLost', 'i-2', 1],
      ['ManagedNodes', 'Online', 7],
      ['ManagedNodes', 'ConnectionLost', 1],
      ['ManagedNodes', 'Inactive', 1],
      ['ManagedNodes', 'Other', 1],
    ]);
    expect(heartbeat(at)).toEqual({ MetricName: 'WatchRuns', Value: 1, Unit: 'Count', Timestamp: at });
  });
});
