import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Construct } from 'constructs';
import { AssetType, Lazy, TerraformAsset, TerraformStack } from 'cdktf';
import { ArchiveProvider } from '@cdktf/provider-archive/lib/provider';
import { DataArchiveFile } from '@cdktf/provider-archive/lib/data-archive-file';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import type { LambdaPackaging } from '../config/schema';
import { base64Sha256, stageZip, zipDirectory } from './deterministic-zip';
import { policyDocument, type PolicyStatement } from './iam-policy';

/** Lambda's limit on a function's environment variables, names and values together. */
export const MAX_ENVIRONMENT_BYTES = 4096;
/** What a reference to another resource (a table or topic name, an ARN) is counted as before Terraform resolves it. */
const UNRESOLVED_REFERENCE_BYTES = 64;

/** The file esbuild writes for every function; the handler is its export `handler`. */
export const BUNDLE_ENTRY_FILE = 'index.js';

export interface PackagedFunctionProps {
  readonly functionName: string;
  readonly description: string;
  /** Directory of the function's esbuild bundle (holding `index.js`), usually `dist/<function>`. */
  readonly bundleDir: string;
  readonly packaging: LambdaPackaging;
  readonly logRetentionDays: number;
  /** The function's environment variables, as its contract codec encodes them. */
  readonly environment?: Record<string, string>;
  readonly memorySize?: number;
  readonly timeoutSeconds?: number;
  /** Runs at most this many at once; unlimited (the account's pool) when absent. */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * A Node.js Lambda function built from an esbuild bundle, with its own log group (retention set) and
 * role. `archive` mode lets the archive provider zip the copied bundle at plan time; `asset` mode
 * writes the zip at synth time so that no provider beyond AWS is needed.
 *
 * The role may write the function's logs and nothing else until statements are added: the function's
 * own code adds what it calls, and each resource it uses grants access to itself
 * (`topic.grantPublish(fn)`). All of them render into the role's one inline policy.
 */
export class PackagedFunction extends Construct {
  readonly function: LambdaFunction;
  readonly functionName: string;
  readonly functionArn: string;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  private readonly statements: PolicyStatement[] = [];
  private readonly environment: Record<string, string>;

  constructor(scope: Construct, id: string, props: PackagedFunctionProps) {
    super(scope, id);
    const entry = join(props.bundleDir, BUNDLE_ENTRY_FILE);
    if (!existsSync(entry)) {
      throw new Error(`Lambda bundle for ${props.functionName} not found at ${entry}; run "npm run build" first.`);
    }

    this.logGroup = new CloudwatchLogGroup(this, 'log-group', {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.logRetentionDays,
    });

    this.role = new IamRole(this, 'role', {
      name: `${props.functionName}-role`,
      assumeRolePolicy: policyDocument([
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]),
    });

    this.addToRolePolicy({
      Sid: 'WriteOwnLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: `${this.logGroup.arn}:*`,
    });
    const rolePolicy = new IamRolePolicy(this, 'policy', {
      name: 'least-privilege',
      role: this.role.name,
      // Rendered at synth, after every grant: statements added later still land in this one document.
      policy: Lazy.stringValue({ produce: () => policyDocument(this.statements) }),
    });

    this.environment = { ...props.environment };
    const code = this.packageCode(props);
    this.function = new LambdaFunction(this, 'function', {
      functionName: props.functionName,
      description: props.description,
      role: this.role.arn,
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      handler: `${BUNDLE_ENTRY_FILE.replace(/\.js$/, '')}.handler`,
      filename: code.filename,
      sourceCodeHash: code.sourceCodeHash,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeoutSeconds ?? 30,
      loggingConfig: { logFormat: 'JSON', logGroup: this.logGroup.name },
      // Rendered at synth, so that variables added later (addEnvironment) land here too.
      environment: { variables: Lazy.anyValue({ produce: () => this.environment }) as unknown as Record<string, string> },
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      dependsOn: [this.logGroup, rolePolicy],
    });
    this.functionName = this.function.functionName;
    this.functionArn = this.function.arn;
    // Checked at synth, once every variable is added: Lambda would refuse the function at apply time.
    this.node.addValidation({ validate: () => this.environmentProblems(props.functionName) });
  }

  private environmentProblems(functionName: string): string[] {
    const bytes = environmentBytes(this.environment);
    if (bytes <= MAX_ENVIRONMENT_BYTES) return [];
    return [
      `${functionName}: its environment variables take about ${bytes} bytes; Lambda allows ${MAX_ENVIRONMENT_BYTES}. ` +
        'A hub with many spokes is the usual cause (each spoke adds about 750 bytes to HUB_SPOKES): split the spokes between two hubs.',
    ];
  }

  /** Lets the function do what the statements allow; keep each one least-privilege. */
  addToRolePolicy(...statements: readonly PolicyStatement[]): void {
    for (const statement of statements) {
      if (statement.Sid && this.statements.some((existing) => existing.Sid === statement.Sid)) {
        throw new Error(`${this.node.path} already has a policy statement ${statement.Sid}`);
      }
      this.statements.push(statement);
    }
  }

  /**
   * Adds environment variables, for resources that tell the function how to use them (the alert topic
   * sets where chat notifications go). A variable the function already has is an error, not replaced.
   */
  addEnvironment(variables: Readonly<Record<string, string>>): void {
    for (const [name, value] of Object.entries(variables)) {
      if (Object.hasOwn(this.environment, name)) throw new Error(`${this.node.path} already has the environment variable ${name}`);
      this.environment[name] = value;
    }
  }

  private packageCode(props: PackagedFunctionProps): { filename: string; sourceCodeHash: string } {
    if (props.packaging === 'asset') {
      const zip = zipDirectory(props.bundleDir);
      const staged = stageZip(zip, props.functionName);
      const asset = new TerraformAsset(this, 'zip', { path: staged, type: AssetType.FILE });
      return { filename: asset.path, sourceCodeHash: base64Sha256(zip) };
    }
    ensureArchiveProvider(TerraformStack.of(this));
    const bundle = new TerraformAsset(this, 'bundle', { path: props.bundleDir, type: AssetType.DIRECTORY });
    const archive = new DataArchiveFile(this, 'archive', {
      type: 'zip',
      sourceDir: bundle.path,
      outputPath: `\${path.module}/build/${props.functionName}.zip`,
      // Without a fixed mode the zip, and so the hash, would follow the umask of whoever plans.
      outputFileMode: '0644',
    });
    return { filename: archive.outputPath, sourceCodeHash: archive.outputBase64Sha256 };
  }
}

const ARCHIVE_PROVIDER_ID = 'archive';

function ensureArchiveProvider(stack: TerraformStack): void {
  if (!stack.node.tryFindChild(ARCHIVE_PROVIDER_ID)) new ArchiveProvider(stack, ARCHIVE_PROVIDER_ID);
}

/** The size Lambda counts for these variables, references to other resources estimated. */
export function environmentBytes(variables: Readonly<Record<string, string>>): number {
  return Object.entries(variables).reduce((total, [name, value]) => {
    const estimated = value.replace(/\$\{TfToken\[[^\]]+\]\}/g, 'x'.repeat(UNRESOLVED_REFERENCE_BYTES));
    return total + Buffer.byteLength(name) + Buffer.byteLength(estimated);
  }, 0);
}
