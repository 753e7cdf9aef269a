/**
 * The naming rules of S3 general purpose buckets, in the order the S3 User Guide ("General purpose
 * bucket naming rules") lists them. Each rule says what is allowed, so a broken rule reads as the
 * "allowed" part of a configuration error.
 */
const BUCKET_NAME_RULES: readonly { readonly allowed: string; readonly holds: (name: string) => boolean }[] = [
  { allowed: '3-63 characters', holds: (name) => name.length >= 3 && name.length <= 63 },
  { allowed: 'only lower-case letters, digits, "." and "-"', holds: (name) => /^[a-z0-9.-]*$/.test(name) },
  { allowed: 'a letter or digit first and last', holds: (name) => /^[a-z0-9](.*[a-z0-9])?$/.test(name) },
  { allowed: 'no two adjacent periods', holds: (name) => !name.includes('..') },
  { allowed: 'a name not formatted as an IP address', holds: (name) => !/^\d+\.\d+\.\d+\.\d+$/.test(name) },
  ...['xn--', 'sthree-', 'amzn-s3-demo-'].map((prefix) => ({
    allowed: `a name that does not start with "${prefix}" (reserved by S3)`,
    holds: (name: string) => !name.startsWith(prefix),
  })),
  ...['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'].map((suffix) => ({
    allowed: `a name that does not end with "${suffix}" (reserved by S3)`,
    holds: (name: string) => !name.endsWith(suffix),
  })),
];

/** What an S3 general purpose bucket name must be instead, or undefined when S3 accepts it. */
export function bucketNameProblem(name: string): string | undefined {
  const broken = BUCKET_NAME_RULES.find((rule) => !rule.holds(name));
  return broken && `an S3 general purpose bucket name: ${broken.allowed}`;
}
