/**
 * An in-memory stand-in for the notifier's DynamoDB idempotency table. It implements the four calls
 * Powertools' DynamoDBPersistenceLayer makes, including the conditional put that makes a second
 * delivery of the same run find the first one's record, in DynamoDB's own JSON shapes so that both
 * aws-sdk-client-mock and the HTTP fake of the artifact test can use it.
 */
type AttributeValue = { S?: string; N?: string; [type: string]: unknown };
type Item = Record<string, AttributeValue>;

export class ConditionalCheckFailed extends Error {
  constructor(readonly item: Item) {
    super('The conditional request failed');
  }
}

export class FakeIdempotencyTable {
  readonly items = new Map<string, Item>();

  putItem(input: { Item: Item }): void {
    const id = input.Item.id!.S!;
    const existing = this.items.get(id);
    if (existing && !expired(existing)) throw new ConditionalCheckFailed(existing);
    this.items.set(id, { ...input.Item });
  }

  updateItem(input: {
    Key: Item;
    UpdateExpression: string;
    ExpressionAttributeNames: Record<string, string>;
    ExpressionAttributeValues: Item;
  }): void {
    const id = input.Key.id!.S!;
    const item: Item = { ...(this.items.get(id) ?? input.Key) };
    for (const assignment of input.UpdateExpression.replace(/^SET /, '').split(',')) {
      const [name, value] = assignment.split('=').map((part) => part.trim()) as [string, string];
      item[input.ExpressionAttributeNames[name]!] = input.ExpressionAttributeValues[value]!;
    }
    this.items.set(id, item);
  }

  getItem(input: { Key: Item }): { Item?: Item } {
    const item = this.items.get(input.Key.id!.S!);
    return item ? { Item: item } : {};
  }

  deleteItem(input: { Key: Item }): void {
    this.items.delete(input.Key.id!.S!);
  }

  /** Records of runs already mailed. */
  completed(): Item[] {
    return [...this.items.values()].filter((item) => item.status?.S === 'COMPLETED');
  }
}

function expired(item: Item): boolean {
  const now = Date.now();
  if (Number(item.expiration?.N ?? Infinity) < now / 1000) return true;
  return item.status?.S === 'INPROGRESS' && item.in_progress_expiration !== undefined && Number(item.in_progress_expiration.N) < now;
}
