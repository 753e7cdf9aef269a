/**
 * A local stand-in for the STS endpoint, so that the offline Terraform check plans stacks whose
 * providers assume a role (`assume_role`): the AWS provider calls AssumeRole while it configures
 * itself, and then GetCallerIdentity to compare the account with `allowed_account_ids`. It answers
 * both in the shape of the STS Query API (form-encoded request, XML answer) and remembers every
 * AssumeRole, so that the check can require each stack to have assumed exactly its configured role.
 * It grants nothing: the credentials it hands out are good for this endpoint only.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One AssumeRole request as the provider sent it. */
export interface AssumeRoleCall {
  roleArn: string;
  sessionName?: string;
  externalId?: string;
}

export interface OfflineSts {
  url: string;
  calls: AssumeRoleCall[];
  /** The accounts GetCallerIdentity named, one per call: what the provider compared with `allowed_account_ids`. */
  identities: string[];
  close(): Promise<void>;
}

const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Starts the endpoint on a free local port. */
export async function startOfflineSts(): Promise<OfflineSts> {
  const calls: AssumeRoleCall[] = [];
  const identities: string[] = [];
  /** The role each handed-out access key stands for, so that GetCallerIdentity names the role's account. */
  const roleByAccessKey = new Map<string, string>();
  let issued = 0;

  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const form = new URLSearchParams(body);
      const action = form.get('Action');
      const requestId = `offline-${++issued}`;
      const reply = (status: number, xml: string) => {
        response.writeHead(status, { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId });
        response.end(xml);
      };
      if (action === 'AssumeRole') {
        const roleArn = form.get('RoleArn') ?? '';
        const match = /^arn:([\w-]+):iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(roleArn);
        if (!match) {
          reply(400, `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>${escapeXml(`not a role ARN: ${roleArn}`)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`);
          return;
        }
        const [, partition, account, roleName] = match;
        const sessionName = form.get('RoleSessionName') ?? undefined;
        calls.push({ roleArn, sessionName, externalId: form.get('ExternalId') ?? undefined });
        const accessKeyId = `ASIAOFFLINE${String(issued).padStart(9, '0')}`;
        roleByAccessKey.set(accessKeyId, roleArn);
        const expiration = new Date(Date.now() + 60 * 60 * 1000).toISOString();
        reply(
          200,
          `<AssumeRoleResponse xmlns="${NAMESPACE}"><AssumeRoleResult><Credentials><AccessKeyId>${accessKeyId}</AccessKeyId>` +
            `<SecretAccessKey>offline-check</SecretAccessKey><SessionToken>offline-check-${issued}</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
            `<AssumedRoleUser><AssumedRoleId>AROAOFFLINE:${escapeXml(sessionName ?? '')}</AssumedRoleId>` +
            `<Arn>arn:${partition}:sts::${account}:assumed-role/${escapeXml(roleName!)}/${escapeXml(sessionName ?? '')}</Arn></AssumedRoleUser>` +
            `</AssumeRoleResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></AssumeRoleResponse>`,
        );
        return;
      }
      if (action === 'GetCallerIdentity') {
        // SigV4 names the access key in the Credential part of the Authorization header.
        const accessKeyId = /Credential=([^/]+)\//.exec(request.headers.authorization ?? '')?.[1] ?? '';
        const roleArn = roleByAccessKey.get(accessKeyId);
        if (!roleArn) {
          reply(403, `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`);
          return;
        }
        const [, partition, account, roleName] = /^arn:([\w-]+):iam::(\d{12}):role\/(?:.*\/)?(.+)$/.exec(roleArn)!;
        identities.push(account!);
        reply(
          200,
          `<GetCallerIdentityResponse xmlns="${NAMESPACE}"><GetCallerIdentityResult><Arn>arn:${partition}:sts::${account}:assumed-role/${escapeXml(roleName!)}/offline</Arn>` +
            `<UserId>AROAOFFLINE:offline</UserId><Account>${account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
        );
        return;
      }
      reply(400, `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>${escapeXml(`unsupported: ${action}`)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    identities,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
