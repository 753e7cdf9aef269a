/** The AWS partition a region belongs to, for ARNs built without a data source lookup. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** Where a stack's resources live: everything needed to write their ARNs offline. */
export interface AwsLocation {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

/** The location of an account's resources in a region, its partition taken from the region. */
export function awsLocation(region: string, accountId: string): AwsLocation {
  return { partition: partitionOf(region), region, accountId };
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>`; pass `region: ''` for global services. */
export function arn(location: AwsLocation, service: string, resource: string, region = location.region): string {
  return `arn:${location.partition}:${service}:${region}:${location.accountId}:${resource}`;
}

/** Host name of a service's regional endpoint, e.g. for `kms:ViaService` conditions. */
export function serviceHost(location: AwsLocation, service: string): string {
  const suffix = location.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `${service}.${location.region}.${suffix}`;
}
