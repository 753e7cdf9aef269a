import { Construct } from 'constructs';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import type { PackagedFunction } from './packaged-function';

export interface IdempotencyTableProps {
  readonly tableName: string;
}

/**
 * The notifier's record of the mails it has sent: the DynamoDB table Powertools' idempotency utility
 * keeps its records in, keyed by `id` and forgotten by TTL on `expiration`.
 */
export class IdempotencyTable extends Construct {
  readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, props: IdempotencyTableProps) {
    super(scope, id);
    // "Default" leaves the table's Terraform address what it was before this construct existed.
    this.table = new DynamodbTable(this, 'Default', {
      name: props.tableName,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: 'id',
      attribute: [{ name: 'id', type: 'S' }],
      ttl: { attributeName: 'expiration', enabled: true },
      serverSideEncryption: { enabled: true },
    });
  }

  get name(): string {
    return this.table.name;
  }

  /** Lets a function keep its idempotency records: the item operations Powertools' DynamoDB persistence layer calls. */
  grantReadWrite(fn: PackagedFunction): void {
    fn.addToRolePolicy({
      Sid: 'RememberMailedRuns',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      Resource: this.table.arn,
    });
  }
}
