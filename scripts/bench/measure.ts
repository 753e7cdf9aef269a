import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
const USAGE_REPORTER = join(__dirname, 'report-usage.cjs');

export interface ProcessMeasurement {
  milliseconds: number;
  peakRssMiB: number;
  stdout: string;
}

/** Runs a Node.js process to completion and measures its wall time and peak resident memory. */
export function measureNode(nodeArgs: string[], env: NodeJS.ProcessEnv = {}): ProcessMeasurement {
  const scratch = mkdtempSync(join(tmpdir(), 'ssm-agent-ops-bench-'));
  const usageFile = join(scratch, 'usage.json');
  try {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ['--require', USAGE_REPORTER, ...nodeArgs], {
      cwd: ROOT,
      env: { ...process.env, ...env, BENCH_USAGE_FILE: usageFile, CDKTF_OUTDIR: join(scratch, 'cdktf.out') },
      encoding: 'utf8',
    });
    const milliseconds = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) throw new Error(`node ${nodeArgs.join(' ')} failed:\n${result.stderr}`);
    const { maxRssKiB } = JSON.parse(readFileSync(usageFile, 'utf8')) as { maxRssKiB: number };
    return { milliseconds, peakRssMiB: maxRssKiB / 1024, stdout: result.stdout };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
