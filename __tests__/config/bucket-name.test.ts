import { bucketNameProblem } from '../../config/bucket-name';

describe('S3 general purpose bucket names', () => {
  it.each([
    'abc',
    'a'.repeat(63),
    'example-ssm-agent-ops-tfstate',
    'log-delivery-march-2020',
    'www.example.com',
    'my.example.s3.bucket',
    '1-2-3',
    // Reserved words only count where S3 reserves them: at the start or at the end.
    'my-xn--bucket',
    'my-sthree-bucket',
    'my-s3alias-bucket',
    'my.mrap.bucket',
    '192.168.5.4.example',
  ])('accepts %s', (name) => {
    expect(bucketNameProblem(name)).toBeUndefined();
  });

  it.each([
    ['ab', '3-63 characters'],
    ['a'.repeat(64), '3-63 characters'],
    ['', '3-63 characters'],
    ['Example-Bucket', 'only lower-case letters, digits, "." and "-"'],
    ['example_bucket', 'only lower-case letters, digits, "." and "-"'],
    ['-example', 'a letter or digit first and last'],
    ['example.', 'a letter or digit first and last'],
    ['a..b', 'no two adjacent periods'],
    ['192.168.5.4', 'a name not formatted as an IP address'],
    ['xn--example', 'a name that does not start with "xn--" (reserved by S3)'],
    ['sthree-example', 'a name that does not start with "sthree-" (reserved by S3)'],
    ['sthree-configurator-example', 'a name that does not start with "sthree-" (reserved by S3)'],
    ['amzn-s3-demo-bucket', 'a name that does not start with "amzn-s3-demo-" (reserved by S3)'],
    ['example-s3alias', 'a name that does not end with "-s3alias" (reserved by S3)'],
    ['example--ol-s3', 'a name that does not end with "--ol-s3" (reserved by S3)'],
    ['example.mrap', 'a name that does not end with ".mrap" (reserved by S3)'],
    ['example--x-s3', 'a name that does not end with "--x-s3" (reserved by S3)'],
    ['example--table-s3', 'a name that does not end with "--table-s3" (reserved by S3)'],
  ])('rejects %j: %s', (name, allowed) => {
    expect(bucketNameProblem(name)).toBe(`an S3 general purpose bucket name: ${allowed}`);
  });
});
