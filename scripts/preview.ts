/**
 * `npm run preview`: prints every mail the product sends, in Japanese and English, each with the chat
 * notification published beside it (scripts/preview-mails.ts), and the self-monitoring alarms as the
 * synthesized stack defines them. AWS is replaced by the fixtures' canned answers and in-memory
 * tables: no account or credentials needed.
 */
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { environments } from '../config/environments';
import { loadEnvironments } from '../config/load';
import { LANGUAGES, type Language } from '../contract/languages';
import { logger } from '../lambdas/shared/powertools';
import { SsmAgentOpsStack } from '../stacks/ssm-agent-ops-stack';
import { previewAlerts } from './preview-mails';

/** The self-monitoring alarms of the prod example in one language, as the stack synthesizes them. */
function selfMonitoringAlarms(language: Language): { name: string; description: string }[] {
  const [prod] = loadEnvironments(environments.filter((environment) => environment.name === 'prod'));
  const settings = { ...prod!, alerts: { ...prod!.alerts, language } };
  const stack = new SsmAgentOpsStack(Testing.app(), { settings, bundlesDir: join(__dirname, '..', 'dist') });
  const alarms = JSON.parse(Testing.synth(stack)).resource.aws_cloudwatch_metric_alarm as Record<string, { alarm_name: string; alarm_description: string }>;
  return Object.values(alarms).map((alarm) => ({ name: alarm.alarm_name, description: alarm.alarm_description }));
}

function heading(text: string) {
  console.log(`${'='.repeat(100)}\n${text}\n${'='.repeat(100)}`);
}

async function main() {
  logger.setLogLevel('SILENT');
  for (const language of LANGUAGES) {
    for (const alert of await previewAlerts(language)) {
      heading(`[${language}] ${alert.title}`);
      console.log(`Subject: ${alert.subject}\n\n${alert.body}\n`);
      console.log(`${'-'.repeat(40)} chat notification (the chat topic's message) ${'-'.repeat(40)}\n${JSON.stringify(alert.chat, null, 2)}\n`);
    }
    heading(`[${language}] Self-monitoring alarms (mailed by CloudWatch itself, in its own format, with these descriptions)`);
    for (const alarm of selfMonitoringAlarms(language)) console.log(`${alarm.name}\n  ${alarm.description}\n`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
