/** `lab run` as a maintainer runs it: a failing step makes the command exit non-zero and name the check. */
import {before, test} from 'node:test';
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {buildManifests} from '../fixtures/site-manifests';

/** the fixture page's manifests, as the site build would write them */
const manifestDir = mkdtempSync(path.join(os.tmpdir(), 'lab-cli-manifests-'));
before(() => buildManifests('tests/fixtures/failing-page', manifestDir));
process.on('exit', () => rmSync(manifestDir, {recursive: true, force: true}));

function lab(args: string[], env: Record<string, string>): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'server/cli/main.ts', ...args],
      {env: {...process.env, ...env}},
      (err, stdout, stderr) => {
        resolve({code: err ? Number((err as {code?: number}).code ?? 1) : 0, stdout, stderr});
      },
    );
  });
}

test('lab run on a page with a failing step exits 1, names the failed check, and writes JUnit', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lab-cli-run-'));
  try {
    const out = path.join(dir, 'out');
    const {code, stdout} = await lab(['run', '--manifests', manifestDir, '--out', out], {
      LAB_STATE_DIR: path.join(dir, 'state'),
      LAB_LOG_LEVEL: 'warn',
    });
    assert.equal(code, 1);
    assert.match(stdout, /FAILED failing\/will-fail: check "output contains"/);
    assert.match(stdout, /expected:\s+this will not appear/);
    assert.match(stdout, /1\/2 steps passed/);
    const junit = readFileSync(path.join(out, 'junit-en.xml'), 'utf8');
    assert.match(junit, /<testcase[^>]*name="will-fail"[\s\S]*?<failure/);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
});

test('lab run with an unknown step id is a usage error (exit 2)', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lab-cli-run-'));
  try {
    const {code, stderr} = await lab(
      ['run', '--manifests', manifestDir, '--from', 'no-such-step', '--out', path.join(dir, 'out')],
      {LAB_STATE_DIR: path.join(dir, 'state'), LAB_LOG_LEVEL: 'warn'},
    );
    assert.equal(code, 2);
    assert.match(stderr, /no-such-step/);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
});
