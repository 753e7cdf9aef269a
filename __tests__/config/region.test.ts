import { ConfigurationError, loadEnvironments } from '../../config/load';
import { minimalEnvironment } from '../helpers/minimal-environment';

function problemsOf(input: unknown): string[] {
  try {
    loadEnvironments([input]);
  } catch (error) {
    if (error instanceof ConfigurationError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('regions', () => {
  it.each(['ap-northeast-1', 'ap-northeast-3', 'eu-central-1', 'cn-north-1', 'us-gov-west-1'])('accepts %s', (region) => {
    expect(problemsOf({ ...minimalEnvironment, region, state: { bucket: 'example-tfstate', region } })).toEqual([]);
  });

  it.each([
    ['ap-northeast-9', 'an AWS region code such as ap-northeast-1, one that the AWS SDK of this release lists'],
    ['tokyo', 'an AWS region code such as ap-northeast-1, one that the AWS SDK of this release lists'],
    ['us-iso-east-1', 'a region of the aws, aws-cn or aws-us-gov partition, whose consoles the mails link to (us-iso-east-1 is in aws-iso)'],
    ['eu-isoe-west-1', 'a region of the aws, aws-cn or aws-us-gov partition, whose consoles the mails link to (eu-isoe-west-1 is in aws-iso-e)'],
  ])('rejects %s with one line naming the environment, the field, the value and what is allowed', (region, allowed) => {
    expect(problemsOf({ ...minimalEnvironment, region })).toEqual([`dev › region = ${JSON.stringify(region)} is not allowed; allowed: ${allowed}`]);
    expect(problemsOf({ ...minimalEnvironment, state: { bucket: 'example-tfstate', region } })).toEqual([
      `dev › state.region = ${JSON.stringify(region)} is not allowed; allowed: ${allowed}`,
    ]);
  });
});
