// Runs a packaged handler the way the Lambda Node.js runtime does: loads <task root>/<file>.js from
// the handler setting "<file>.<export>", then invokes the export once per event, in order.
// Input (stdin): { taskRoot, handler, functionArn, timeoutSeconds, events }. Output (stdout): one JSON
// line per event. As in Lambda, each invocation's remaining time counts down from the function's timeout.
const { join } = require('node:path');

let input = '';
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', async () => {
  const { taskRoot, handler, functionArn, timeoutSeconds, events } = JSON.parse(input);
  const separator = handler.lastIndexOf('.');
  const module = require(join(taskRoot, `${handler.slice(0, separator)}.js`));
  const handle = module[handler.slice(separator + 1)];
  for (const [index, event] of events.entries()) {
    const deadline = Date.now() + timeoutSeconds * 1000;
    const context = {
      functionName: functionArn.split(':').pop(),
      invokedFunctionArn: functionArn,
      awsRequestId: `request-${index}`,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    try {
      const result = await handle(event, context);
      process.stdout.write(`${JSON.stringify({ ok: true, result: result ?? null })}\n`);
    } catch (error) {
      process.stdout.write(`${JSON.stringify({ ok: false, error: String(error && error.message) })}\n`);
    }
  }
});
