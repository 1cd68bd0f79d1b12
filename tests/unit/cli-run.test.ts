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

test('lab run --to <page> catches up to it: runs the earlier steps it needs, recorded as caught up', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lab-cli-run-'));
  try {
    const env = {LAB_STATE_DIR: path.join(dir, 'state'), LAB_LOG_LEVEL: 'warn'};
    const manifests = path.join(dir, 'manifests');
    await buildManifests('tests/fixtures/catch-up-pages', manifests);
    const {code, stdout} = await lab(['run', '--manifests', manifests, '--to', 'two'], env);
    assert.equal(code, 0, stdout);
    assert.match(stdout, /Catching up to "Two": it needs\n {2}- variable LAB_FIXTURE_NAME \(from "One"\)/);
    assert.match(stdout, /1\/1 steps passed/);
    const progress = JSON.parse(readFileSync(path.join(dir, 'state', 'progress', 'local.json'), 'utf8'));
    assert.equal(progress.one['set-name'].via, 'catch-up');
    assert.equal(progress.one['set-name'].status, 'passed');
    // `--to <page>` is a page, not a range: --page and --from do not go with it
    const mixed = await lab(['run', '--manifests', manifests, '--page', 'one', '--to', 'two'], env);
    assert.equal(mixed.code, 2);
    assert.match(mixed.stderr, /leave out --page and --from/);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
});
