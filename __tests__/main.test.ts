import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EnvironmentInput } from '../config/schema';

const valid: EnvironmentInput = {
  name: 'dev',
  accountId: '111111111111',
  region: 'ap-northeast-1',
  state: { bucket: 'example-tfstate', region: 'ap-northeast-1' },
  accountDisplayName: { value: '開発アカウント' },
  alerts: { topicName: 'OPE-dev', emails: ['ops@example.com'] },
};

/** Runs main.ts as the synth does, with the given environments, into a fresh output directory. */
function runMain(environments: EnvironmentInput[]) {
  const outdir = join(mkdtempSync(join(tmpdir(), 'ssm-agent-ops-main-')), 'cdktf.out');
  const errors: string[] = [];
  const previous = { outdir: process.env.CDKTF_OUTDIR, exitCode: process.exitCode };
  const errorSpy = jest.spyOn(console, 'error').mockImplementation((message: string) => void errors.push(message));
  process.env.CDKTF_OUTDIR = outdir;
  let exitCode: typeof process.exitCode;
  try {
    jest.isolateModules(() => {
      jest.doMock('../config/environments', () => ({ environments }));
      require('../main');
    });
  } finally {
    exitCode = process.exitCode;
    process.exitCode = previous.exitCode;
    process.env.CDKTF_OUTDIR = previous.outdir;
    errorSpy.mockRestore();
  }
  return { outdir, errors, exitCode };
}

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
