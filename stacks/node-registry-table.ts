import { Construct } from 'constructs';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { NODE_REGISTRY_KEY } from '../contract/node-registry';
import type { PolicyHolder } from './iam-policy';
import type { PackagedFunction } from './packaged-function';

export interface NodeRegistryTableProps {
  readonly tableName: string;
}

/**
 * The node registry: what the fleet inventory knows about every node in scope (EC2 facts, whether it
 * is a managed node, whether its alarm exists) and its own state, so that no run has to read every
 * alarm or every node's status. On demand: it is read and written a few times a minute at most.
 */
export class NodeRegistryTable extends Construct {
  readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, props: NodeRegistryTableProps) {
    super(scope, id);
    this.table = new DynamodbTable(this, 'Default', {
      name: props.tableName,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: NODE_REGISTRY_KEY,
      attribute: [{ name: NODE_REGISTRY_KEY, type: 'S' }],
      serverSideEncryption: { enabled: true },
    });
  }

  get name(): string {
    return this.table.name;
  }

  /** Lets a function read the registry: single items, batches, and whole-table scans. */
  grantRead(fn: PolicyHolder): void {
    fn.addToRolePolicy({
      Sid: 'ReadNodeRegistry',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Scan'],
      Resource: this.table.arn,
    });
  }

  /** Lets a function keep the registry: what `grantRead` allows, and writing and deleting items. */
  grantReadWrite(fn: PackagedFunction): void {
    fn.addToRolePolicy({
      Sid: 'KeepNodeRegistry',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Scan', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
      Resource: this.table.arn,
    });
  }
}
