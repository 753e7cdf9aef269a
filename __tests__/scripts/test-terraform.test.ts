import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** A directory whose only program is a `terraform` that reports a version, standing in for an installed Terraform. */
function pathWithTerraform(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ssm-agent-ops-fake-terraform-'));
  writeFileSync(join(dir, 'terraform'), '#!/bin/sh\necho "Terraform v1.11.4"\n');
  chmodSync(join(dir, 'terraform'), 0o755);
  return dir;
}

/** Runs `npm run test:terraform`'s script (without the build) in an environment of exactly these variables. */
function testTerraform(environment: Record<string, string>) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/test-terraform.ts'], {
    cwd: ROOT,
    // An empty PATH unless the case gives one: whatever Terraform this machine has stays out of reach.
    env: { PATH: mkdtempSync(join(tmpdir(), 'ssm-agent-ops-empty-path-')), HOME: tmpdir(), ...environment },
    encoding: 'utf8',
  });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

// Only the checks that stop the script before it synthesizes anything are run here; the real checks
// run in `npm run test:terraform` (and so in .ci/run).
describe('npm run test:terraform without Terraform or its provider mirror', () => {
  it('skips loudly outside CI', () => {
    const { code, output } = testTerraform({});
    expect(code).toBe(0);
    expect(output).toContain('SKIPPED: real-Terraform checks did not run.');
    expect(output).toContain('terraform is not on the PATH.');
  });

  it.each(['true', '1', 'yes'])('fails in CI (CI=%s) when Terraform is missing', (ci) => {
    const { code, output } = testTerraform({ CI: ci });
    expect(code).toBe(1);
    expect(output).toContain('FAILED: real-Terraform checks cannot run, and CI must run them');
    expect(output).toContain('terraform is not on the PATH.');
    expect(output).not.toContain('SKIPPED');
  });

  it('fails in CI when the provider mirror is not set, and skips outside it', () => {
    const PATH = pathWithTerraform();
    const inCi = testTerraform({ PATH, CI: 'true' });
    expect(inCi.code).toBe(1);
    expect(inCi.output).toContain('TF_PLUGIN_MIRROR is not set');
    const outside = testTerraform({ PATH, CI: 'false' });
    expect(outside.code).toBe(0);
    expect(outside.output).toContain('SKIPPED');
  });

  it('fails, in CI or not, when the mirror holds no AWS provider', () => {
    const PATH = pathWithTerraform();
    const { code, output } = testTerraform({ PATH, TF_PLUGIN_MIRROR: mkdtempSync(join(tmpdir(), 'ssm-agent-ops-empty-mirror-')) });
    expect(code).toBe(1);
    expect(output).toContain('holds no registry.terraform.io/hashicorp/aws provider');
  });
});
