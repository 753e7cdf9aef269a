// Runs a packaged handler the way the Lambda Node.js runtime does: loads <task root>/<file>.js from
// the handler setting "<file>.<export>", then invokes the export once per event, in order.
// Input (stdin): { taskRoot, handler, functionArn, events }. Output (stdout): one JSON line per event.
const { join } = require('node:path');

let input = '';
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', async () => {
  const { taskRoot, handler, functionArn, events } = JSON.parse(input);
  const separator = handler.lastIndexOf('.');
  const module = require(join(taskRoot, `${handler.slice(0, separator)}.js`));
  const handle = module[handler.slice(separator + 1)];
  for (const [index, event] of events.entries()) {
    const context = {
      functionName: functionArn.split(':').pop(),
      invokedFunctionArn: functionArn,
      awsRequestId: `request-${index}`,
      getRemainingTimeInMillis: () => 60000,
    };
    try {
      const result = await handle(event, context);
      process.stdout.write(`${JSON.stringify({ ok: true, result: result ?? null })}\n`);
    } catch (error) {
      process.stdout.write(`${JSON.stringify({ ok: false, error: String(error && error.message) })}\n`);
    }
  }
});
