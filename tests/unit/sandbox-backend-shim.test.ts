import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {after, before, describe, it} from 'node:test';
import {fileURLToPath} from 'node:url';
import {startCommandServer, type CommandServer} from '../../server/backends/sandbox/backend/command-server';
import {encodeFrame, FrameReader} from '../../server/backends/sandbox/backend/command-frames';
import type {LearnerSandbox} from '../../server/backends/sandbox/backend/learner-sandbox';
import type {SandboxCommand} from '../../server/backends/sandbox/commands/types';

// The shim's client (commands/bin/lab-command.mjs) against the command server, with test commands: argv, cwd,
// isatty flags, stdin read on demand (istioctl install's y/N), output streams and exit codes.
const CLIENT = fileURLToPath(new URL('../../server/backends/sandbox/commands/bin/lab-command.mjs', import.meta.url));
const TOKEN = 'a'.repeat(48);

const confirm: SandboxCommand = async (io) => {
  io.stdout.write('Proceed? (y/N) ');
  const answer = await io.readLine();
  if (answer?.trim().toLowerCase() !== 'y') {
    io.stderr.write('Cancelled.\n');
    return 1;
  }
  io.stdout.write(`\nyes, then ${JSON.stringify(await io.readLine())}\n`);
  return 0;
};
const echo: SandboxCommand = async (io) => {
  io.stdout.write(JSON.stringify({args: io.args, cwd: io.cwd, tty: io.isTTY}) + '\n');
  io.stderr.write('to stderr\n');
  return 7;
};
const big: SandboxCommand = async (io) => {
  io.stdout.write('x'.repeat(3 * 1024 * 1024) + '\n');
  return 0;
};

function runClient(
  command: string,
  args: string[],
  opts: {url: string; token?: string; input?: string},
): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    const c = execFile(
      'node',
      [CLIENT, command, ...args],
      {
        cwd: '/tmp',
        env: {PATH: process.env.PATH, LAB_SANDBOX_URL: opts.url, LAB_SANDBOX_TOKEN: opts.token ?? TOKEN},
        maxBuffer: 16 * 1024 * 1024,
      },
      (err, stdout, stderr) =>
        resolve({code: err ? ((err as {code?: number}).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr)}),
    );
    c.stdin!.end(opts.input ?? '');
  });
}

describe('sandbox command shim', () => {
  let server: CommandServer;
  before(async () => {
    const sandbox = {name: 'x'} as unknown as LearnerSandbox;
    server = await startCommandServer({
      sandboxForToken: (t) => (t === TOKEN ? sandbox : undefined),
      controlToken: 'c'.repeat(48),
      control: async () => ({}),
      commands: new Map([
        ['confirm', confirm],
        ['echo', echo],
        ['big', big],
      ]),
    });
  });
  after(async () => server?.close());

  it('carries argv, cwd and isatty flags; stdout, stderr and the exit code come back', async () => {
    const r = await runClient('echo', ['cluster', 'create', '--k3s-arg', '--disable=traefik@server:*'], {
      url: server.url,
    });
    assert.equal(r.code, 7);
    assert.deepEqual(JSON.parse(r.stdout), {
      args: ['cluster', 'create', '--k3s-arg', '--disable=traefik@server:*'],
      cwd: '/tmp',
      tty: {stdin: false, stdout: false, stderr: false},
    });
    assert.equal(r.stderr, 'to stderr\n');
  });

  it('reads stdin when the command asks (a y/N prompt), line by line', async () => {
    const yes = await runClient('confirm', [], {url: server.url, input: 'y\nsecond line'});
    assert.equal(yes.code, 0, yes.stderr);
    assert.equal(yes.stdout, 'Proceed? (y/N) \nyes, then "second line"\n');
    const no = await runClient('confirm', [], {url: server.url, input: ''});
    assert.equal(no.code, 1);
    assert.equal(no.stderr, 'Cancelled.\n');
  });

  it('large output arrives whole', async () => {
    const r = await runClient('big', [], {url: server.url});
    assert.equal(r.code, 0);
    assert.equal(r.stdout.length, 3 * 1024 * 1024 + 1);
  });

  it('a wrong token or an unknown command is refused with a message', async () => {
    const bad = await runClient('echo', [], {url: server.url, token: 'nope'});
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /echo: the lab refused to run it: this shell is not for a sandbox of this lab/);
    const unknown = await runClient('istioctl', [], {url: server.url});
    assert.match(unknown.stderr, /no sandbox command "istioctl"/);
    const gone = await runClient('echo', [], {url: 'http://127.0.0.1:1'});
    assert.match(gone.stderr, /cannot reach the lab's sandbox at http:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/);
  });

  it('frames split anywhere reassemble; oversized frames are refused', () => {
    const got: Array<[number, string]> = [];
    const r = new FrameReader((t, p) => got.push([t, p.toString()]), 100);
    const bytes = Buffer.concat([encodeFrame(1, 'hello'), encodeFrame(3, '0')]);
    for (const b of bytes) r.push(Buffer.from([b]));
    assert.deepEqual(got, [
      [1, 'hello'],
      [3, '0'],
    ]);
    assert.throws(() => r.push(encodeFrame(1, 'x'.repeat(101))), /over the 100-byte limit/);
  });
});
