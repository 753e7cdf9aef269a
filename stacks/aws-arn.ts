import { regionFacts } from '../contract/aws-partitions';

/** Where a stack's resources live: everything needed to write their ARNs offline. */
export interface AwsLocation {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

/** The location of an account's resources in a region, its partition taken from the region. */
export function awsLocation(region: string, accountId: string): AwsLocation {
  return { partition: regionFacts(region).partition, region, accountId };
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>`; pass `region: ''` for global services. */
export function arn(location: AwsLocation, service: string, resource: string, region = location.region): string {
  return `arn:${location.partition}:${service}:${region}:${location.accountId}:${resource}`;
}

/** Host name of a service's regional endpoint, e.g. for `kms:ViaService` conditions. */
export function serviceHost(location: AwsLocation, service: string): string {
  return `${service}.${location.region}.${regionFacts(location.region).dnsSuffix}`;
}
