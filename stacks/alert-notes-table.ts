import { Construct } from 'constructs';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { ALERT_NOTES_DIGEST_INDEX, ALERT_NOTES_DIGEST_KEY, ALERT_NOTES_EXPIRY, ALERT_NOTES_KEY } from '../contract/alert-notes';
import type { PolicyHolder } from './iam-policy';
import type { PackagedFunction } from './packaged-function';

export interface AlertNotesTableProps {
  readonly tableName: string;
}

/**
 * The alert notes: the agent watch's mail decision for each node transition (written before the
 * node's alarm moves, read by the notifier when it does), its storm state, and an index of the notes
 * by the digest that lists them. Items expire by TTL. On demand: written only in minutes with transitions.
 */
export class AlertNotesTable extends Construct {
  readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, props: AlertNotesTableProps) {
    super(scope, id);
    this.table = new DynamodbTable(this, 'Default', {
      name: props.tableName,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: ALERT_NOTES_KEY,
      attribute: [
        { name: ALERT_NOTES_KEY, type: 'S' },
        { name: ALERT_NOTES_DIGEST_KEY, type: 'S' },
      ],
      // Only notes that belong to a digest carry the key, so the index holds only those.
      globalSecondaryIndex: [{ name: ALERT_NOTES_DIGEST_INDEX, hashKey: ALERT_NOTES_DIGEST_KEY, projectionType: 'ALL' }],
      ttl: { attributeName: ALERT_NOTES_EXPIRY, enabled: true },
      serverSideEncryption: { enabled: true },
    });
  }

  get name(): string {
    return this.table.name;
  }

  /** Lets the watch keep its notes: batch reads and writes of items, and queries of the digest index. */
  grantReadWrite(fn: PackagedFunction): void {
    fn.addToRolePolicy(
      { Sid: 'KeepAlertNotes', Effect: 'Allow', Action: ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem'], Resource: this.table.arn },
      { Sid: 'ReadDigestNotes', Effect: 'Allow', Action: 'dynamodb:Query', Resource: `${this.table.arn}/index/${ALERT_NOTES_DIGEST_INDEX}` },
    );
  }

  /** Lets the notifier (or the read role a hub's notifier assumes) read a node's notes. */
  grantRead(fn: PolicyHolder): void {
    fn.addToRolePolicy({ Sid: 'ReadAlertNotes', Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: this.table.arn });
  }
}
