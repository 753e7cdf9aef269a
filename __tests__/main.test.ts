import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { minimalEnvironment } from './helpers/minimal-environment';
import { runMain } from './helpers/run-main';

const valid = minimalEnvironment;

describe('main', () => {
  it('synthesizes one stack directory per environment', () => {
    const { outdir, exitCode } = runMain([valid, { ...valid, name: 'prod', accountId: '333333333333' }]);
    expect(exitCode).toBeFalsy();
    expect(readdirSync(join(outdir, 'stacks')).sort()).toEqual(['ssm-agent-ops-dev', 'ssm-agent-ops-prod']);
    expect(existsSync(join(outdir, 'stacks', 'ssm-agent-ops-dev', 'cdk.tf.json'))).toBe(true);
  });

  it('stops on bad settings with every problem listed, a failing exit code and nothing written', () => {
    const { outdir, errors, exitCode } = runMain([
      {
        ...valid,
        alerts: { topicName: 'OPE-dev', emails: ['ops.example.com'] },
        cloudWatchAgentUpdate: { schedule: 'rate(31 days)' },
        ssmAgentUpdate: { schedule: 'cron(0 5 ? * TUE *)', maxConcurrency: 'abc' },
      },
    ]);
    expect(exitCode).toBe(1);
    expect(existsSync(outdir)).toBe(false);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('Invalid ssm-agent-ops settings (3 problems); nothing was synthesized');
    expect(errors[0]).toContain('dev › alerts.emails[0] = "ops.example.com" is not allowed');
    expect(errors[0]).toContain('dev › cloudWatchAgentUpdate.schedule = "rate(31 days)" is not allowed');
    expect(errors[0]).toContain('dev › ssmAgentUpdate.maxConcurrency = "abc" is not allowed');
  });
});
