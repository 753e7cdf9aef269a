import { partition } from '@aws-sdk/util-endpoints';

/**
 * Console host of each partition the product supports. The mails link to the console, so a partition
 * without a public console (the isolated ones: aws-iso, aws-iso-b, aws-iso-e, aws-iso-f) or with one
 * at an address the product has not been checked against (aws-eusc) is not supported.
 */
const CONSOLE_HOSTS: Readonly<Record<string, (region: string) => string>> = {
  aws: (region) => `${region}.console.aws.amazon.com`,
  'aws-cn': () => 'console.amazonaws.cn',
  'aws-us-gov': () => 'console.amazonaws-us-gov.com',
};

export const SUPPORTED_PARTITIONS = Object.keys(CONSOLE_HOSTS);
const SUPPORTED_LIST = `${SUPPORTED_PARTITIONS.slice(0, -1).join(', ')} or ${SUPPORTED_PARTITIONS[SUPPORTED_PARTITIONS.length - 1]}`;

/** Region codes as AWS writes them (ap-northeast-1, us-gov-west-1, eu-isoe-west-1); not the pseudo regions such as aws-global. */
const REGION_CODE = /^[a-z]{2,4}(-[a-z]+)+-\d+$/;

/** What the product needs to know about a region to write ARNs, endpoint hosts and console links offline. */
export interface RegionFacts {
  /** The partition (`aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, ...), the second field of every ARN. */
  readonly partition: string;
  /** DNS suffix of the partition's endpoints, e.g. for `kms:ViaService` conditions. */
  readonly dnsSuffix: string;
  /** Whether the AWS SDK's partition data lists the region, rather than it only fitting a partition's pattern. */
  readonly known: boolean;
  /** Host of the AWS console for the region; undefined when the product does not support the region. */
  readonly consoleHost?: string;
}

/** The region's partition facts, from the partition data the AWS SDK resolves its own endpoints with. */
export function regionFacts(region: string): RegionFacts {
  // The SDK describes every region AWS has launched; a code that only fits a partition's pattern
  // (ap-northeast-9) comes back without a description, an unknown code as the aws partition.
  const facts = partition(region) as ReturnType<typeof partition> & { description?: string };
  const known = REGION_CODE.test(region) && facts.description !== undefined;
  const consoleHost = known ? CONSOLE_HOSTS[facts.name]?.(region) : undefined;
  return { partition: facts.name, dnsSuffix: facts.dnsSuffix, known, ...(consoleHost ? { consoleHost } : {}) };
}

/** Why the product cannot be deployed to a region, or undefined when it can. */
export function regionProblem(region: string): string | undefined {
  const facts = regionFacts(region);
  if (!facts.known) return 'an AWS region code such as ap-northeast-1, one that the AWS SDK of this release lists';
  if (!facts.consoleHost) {
    return `a region of the ${SUPPORTED_LIST} partition, whose consoles the mails link to (${region} is in ${facts.partition})`;
  }
  return undefined;
}
