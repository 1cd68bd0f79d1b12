/** `npm run test:unit` fails when a suite was skipped for a missing program (tests/missing-tool-reporter.mjs). */
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {test} from 'node:test';
import {MISSING_TOOL, missingTool} from '../fixtures/missing-tool';

// plain JavaScript without types (node loads reporters before tsx): a variable specifier, typed here
const REPORTER: string = '../missing-tool-reporter.mjs';
const {MISSING_TOOL: REPORTER_PREFIX} = (await import(REPORTER)) as {MISSING_TOOL: string};

test('the helper and the reporter agree on the skip reason', () => {
  assert.equal(MISSING_TOOL, REPORTER_PREFIX);
  assert.equal(missingTool('bash', 'always there'), false);
  assert.equal(
    missingTool('no-such-program-ambient-lab', 'why'),
    'missing tool: no-such-program-ambient-lab is not on PATH (why)',
  );
});

test('a run with a suite skipped for a missing program exits 1 and names it', async () => {
  // a top-level test run of its own, not a subtest of this one
  const env = {...process.env};
  delete env.NODE_TEST_CONTEXT;
  const {code, stderr} = await new Promise<{code: number; stderr: string}>((resolve) => {
    execFile(
      process.execPath,
      [
        '--import',
        'tsx',
        '--test',
        '--test-reporter=spec',
        '--test-reporter-destination=stdout',
        '--test-reporter=./tests/missing-tool-reporter.mjs',
        '--test-reporter-destination=stderr',
        'tests/fixtures/missing-tool/needs-a-missing-program.ts',
      ],
      {env},
      (error, _stdout, stderr) => resolve({code: error ? Number(error.code ?? 1) : 0, stderr}),
    );
  });
  assert.equal(code, 1, stderr);
  assert.match(stderr, /1 test\(s\) skipped for a missing tool, so this run fails/);
  assert.match(stderr, /needs a program: missing tool: no-such-program-ambient-lab is not on PATH/);
});
