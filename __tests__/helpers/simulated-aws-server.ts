import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerWire } from '../../fixtures/simulated-aws-wire';
import type { SimulatedAws } from '../../fixtures/simulated-aws';

/**
 * Serves a simulation over HTTP on a local port, in each service's wire protocol, for the packaged
 * functions (run in a child process with AWS_ENDPOINT_URL pointing here): their bundled SDK runs in
 * full, compression and retries included, in real time.
 */
export async function serveSimulation(aws: SimulatedAws): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(',') : value]));
      answerWire(aws, { method: request.method ?? 'POST', path: url.pathname, headers, body: new Uint8Array(Buffer.concat(chunks)) })
        .then((answer) => {
          response.writeHead(answer.statusCode, answer.headers);
          response.end(answer.body);
        })
        .catch((error: unknown) => {
          response.writeHead(500, { 'content-type': 'text/plain' });
          response.end(`The simulation failed: ${String(error)}`);
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
