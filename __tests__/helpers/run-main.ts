import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EnvironmentInput } from '../../config/schema';

/** Runs main.ts as the synth does (with the given environments, or the repository's own), into a fresh output directory. */
export function runMain(environments?: EnvironmentInput[]) {
  const outdir = join(mkdtempSync(join(tmpdir(), 'ssm-agent-ops-main-')), 'cdktf.out');
  const errors: string[] = [];
  const previous = { outdir: process.env.CDKTF_OUTDIR, exitCode: process.exitCode };
  const errorSpy = jest.spyOn(console, 'error').mockImplementation((message: string) => void errors.push(message));
  process.env.CDKTF_OUTDIR = outdir;
  let exitCode: typeof process.exitCode;
  try {
    jest.isolateModules(() => {
      if (environments) jest.doMock('../../config/environments', () => ({ environments }));
      require('../../main');
    });
  } finally {
    exitCode = process.exitCode;
    process.exitCode = previous.exitCode;
    process.env.CDKTF_OUTDIR = previous.outdir;
    errorSpy.mockRestore();
  }
  return { outdir, errors, exitCode };
}

