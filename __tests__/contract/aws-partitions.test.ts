import { regionFacts, regionProblem } from '../../contract/aws-partitions';

describe('region facts, from the AWS SDK partition data', () => {
  it.each([
    ['ap-northeast-1', 'aws', 'amazonaws.com', 'ap-northeast-1.console.aws.amazon.com'],
    ['us-east-1', 'aws', 'amazonaws.com', 'us-east-1.console.aws.amazon.com'],
    ['cn-north-1', 'aws-cn', 'amazonaws.com.cn', 'console.amazonaws.cn'],
    ['cn-northwest-1', 'aws-cn', 'amazonaws.com.cn', 'console.amazonaws.cn'],
    ['us-gov-west-1', 'aws-us-gov', 'amazonaws.com', 'console.amazonaws-us-gov.com'],
  ])('%s is in %s (endpoints *.%s, console %s) and supported', (region, partition, dnsSuffix, consoleHost) => {
    expect(regionFacts(region)).toEqual({ partition, dnsSuffix, known: true, consoleHost });
    expect(regionProblem(region)).toBeUndefined();
  });

  it.each([
    ['us-iso-east-1', 'aws-iso', 'c2s.ic.gov'],
    ['us-isob-east-1', 'aws-iso-b', 'sc2s.sgov.gov'],
    ['eu-isoe-west-1', 'aws-iso-e', 'cloud.adc-e.uk'],
  ])('%s is in the isolated partition %s (*.%s), which has no console the mails could link to', (region, partition, dnsSuffix) => {
    expect(regionFacts(region)).toEqual({ partition, dnsSuffix, known: true });
    expect(regionProblem(region)).toBe(
      `a region of the aws, aws-cn or aws-us-gov partition, whose consoles the mails link to (${region} is in ${partition})`,
    );
  });

  it.each(['ap-northeast-9', 'tokyo', 'AP-NORTHEAST-1', 'aws-global', 'ap-northeast-1 ', ''])('does not know %j', (region) => {
    expect(regionFacts(region).known).toBe(false);
    expect(regionFacts(region).consoleHost).toBeUndefined();
    expect(regionProblem(region)).toBe('an AWS region code such as ap-northeast-1, one that the AWS SDK of this release lists');
  });
});
