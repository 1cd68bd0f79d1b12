/**
 * Attendee shells in bubblewrap: real bash sessions under real bwrap, uids and cgroups. What one attendee can see of
 * the instructor and of another attendee, and that a fork bomb or a huge file in one shell leaves the other working.
 */
import assert from 'node:assert/strict';
import {existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import type {CommandFinished} from '../../src/core/shell/events';
import {bwrapArgs, cgroupEntryCommand, withNetRelay} from '../../server/isolation/bwrap-args';
import {IsolatedShell, SHELL_HOME} from '../../server/isolation/isolated-shell';
import {probeIsolation, findCgroups} from '../../server/isolation/probe';
import {INTEGRATION_RC, PtySession} from '../../server/sessions/pty-session';

const probe = probeIsolation();
const runnable = !!probe.bwrap && probe.root;
// CI installs bubblewrap and runs as root: there a missing piece is a failure, not a skip
if (!runnable && process.env.CI)
  throw new Error(`isolation tests need bwrap and root on CI: ${probe.notes.join('; ')}`);

describe('bwrap command line', () => {
  const spec = {
    homeSource: '/state/attendees/a1/home',
    homeTarget: '/home/learner',
    cwd: '/home/learner',
    readOnly: ['/repo/server/sessions/bash-integration.sh'],
    passwdFile: '/state/attendees/a1/passwd',
    groupFile: '/state/attendees/a1/group',
    uid: 200001,
    gid: 200001,
    hostname: 'ambient-lab',
    tmpBytes: 1024,
    rlimits: {processes: 64, fileBytes: 4096, openFiles: 256},
    command: ['bash', '-i'],
  };
  const layout = {
    entry: (n: string) => (n === 'bin' ? {symlink: 'usr/bin'} : n === 'lib' ? ('dir' as const) : undefined),
  };

  it('binds the system read-only, HOME read-write, and drops to the attendee uid with no capabilities', () => {
    const args = bwrapArgs(spec, layout);
    const joined = args.join(' ');
    assert.match(joined, /--ro-bind \/usr \/usr/);
    assert.match(joined, /--symlink usr\/bin \/bin/);
    assert.match(joined, /--ro-bind \/lib \/lib/);
    assert.match(joined, /--ro-bind \/etc \/etc --ro-bind \/state\/attendees\/a1\/passwd \/etc\/passwd/);
    assert.match(joined, /--unshare-pid/);
    assert.match(joined, /--perms 1777 --size 1024 --tmpfs \/tmp/);
    assert.match(joined, /--bind \/state\/attendees\/a1\/home \/home\/learner/);
    assert.match(
      joined,
      /setpriv --reuid=200001 --regid=200001 --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs/,
    );
    assert.match(joined, /prlimit --nproc=64 --fsize=4096 --nofile=256 -- bash -i$/);
    assert.doesNotMatch(joined, /--new-session/, 'job control needs the pty as the controlling terminal');
    assert.doesNotMatch(joined, /--bind \/ |--ro-bind \/ \//, 'never the whole host');
  });

  it('gives the shell a network of its own only when asked, with the relay started before the command', () => {
    assert.doesNotMatch(bwrapArgs(spec, layout).join(' '), /--unshare-net/);
    const args = bwrapArgs(
      {...spec, privateNetwork: true, command: withNetRelay('/lab/net-relay.mjs', '/br', ['bash', '-i'])},
      layout,
    );
    assert.ok(args.includes('--unshare-net'));
    // the relay runs after setpriv and prlimit (as the attendee, within its limits), then execs the shell
    const tail = args.slice(args.indexOf('/usr/bin/prlimit'));
    const sh = tail.indexOf('/bin/sh');
    assert.ok(sh > 0);
    assert.match(tail[sh + 2]!, /^r=\$\(node "\$1" "\$2" 2>\/dev\/null &\);.*exec "\$@"$/);
    assert.deepEqual(tail.slice(sh + 3), ['lab-net', '/lab/net-relay.mjs', '/br', 'bash', '-i']);
  });

  it('enters the cgroups before exec-ing bwrap', () => {
    const c = cgroupEntryCommand(['/cg/pids/x/cgroup.procs', '/cg/memory/x/cgroup.procs'], '/usr/bin/bwrap', ['--a']);
    assert.equal(c.file, '/bin/sh');
    assert.deepEqual(c.args.slice(3), [
      '2',
      '/cg/pids/x/cgroup.procs',
      '/cg/memory/x/cgroup.procs',
      '/usr/bin/bwrap',
      '--a',
    ]);
  });
});

describe('cgroup discovery', () => {
  it('finds cgroup v1 controllers by /proc/self/cgroup and v2 by subtree_control', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'cg-'));
    try {
      mkdirSync(path.join(root, 'pids', 'lab'), {recursive: true});
      writeFileSync(path.join(root, 'pids', 'lab', 'cgroup.procs'), '');
      mkdirSync(path.join(root, 'unified', 'svc'), {recursive: true});
      writeFileSync(path.join(root, 'unified', 'cgroup.controllers'), 'memory pids');
      writeFileSync(path.join(root, 'unified', 'svc', 'cgroup.subtree_control'), 'memory');
      const self = path.join(root, 'self');
      writeFileSync(self, '8:pids:/lab\n0::/svc\n');
      const found = findCgroups(root, self);
      assert.deepEqual(found.memory, {version: 2, dir: path.join(root, 'unified', 'svc')});
      assert.deepEqual(found.pids, {version: 1, dir: path.join(root, 'pids', 'lab')});
      assert.equal(found.cpu, undefined);
    } finally {
      rmSync(root, {recursive: true, force: true});
    }
  });
});

describe('isolated attendee shells', {skip: !runnable && `needs bwrap and root (${probe.notes.join('; ')})`}, () => {
  const root = mkdtempSync(path.join(tmpdir(), 'iso-'));
  const instructorHome = path.join(root, 'instructor');
  const shells: IsolatedShell[] = [];
  const sessions: PtySession[] = [];
  let a: {shell: IsolatedShell; session: PtySession; home: string};
  let b: {shell: IsolatedShell; session: PtySession; home: string};

  async function attendee(id: string, uid: number, limits = {}) {
    const home = path.join(root, id, 'home');
    const shell = await IsolatedShell.create({
      probe,
      homeDir: home,
      homeImage: path.join(root, id, 'home.img'),
      privateDir: path.join(root, id, 'private'),
      id: `test-${process.pid}-${id}`,
      uid,
      gid: uid,
      limits,
      readOnly: [INTEGRATION_RC],
    });
    shells.push(shell);
    const session = new PtySession({
      id: `iso-${process.pid}-${id}`,
      learner: id,
      environment: {env: {...shell.env, LAB_PLAIN_RC: '1'}, cwd: home},
      cols: 100,
      rows: 30,
      killGraceMs: 100,
      launch: (argv) => shell.launch(argv),
    });
    sessions.push(session);
    return {shell, session, home};
  }

  before(async () => {
    mkdirSync(instructorHome, {recursive: true});
    writeFileSync(path.join(instructorHome, 'secret.txt'), 'instructor-secret\n', {mode: 0o644});
    // uids unique to this test process, so parallel runs never share an RLIMIT_NPROC budget
    const base = 300_000 + (process.pid % 10_000) * 4;
    a = await attendee('a', base, {
      maxProcesses: 200,
      fileBytes: 8 * 1024 * 1024,
      memoryBytes: 96 * 1024 * 1024,
      homeBytes: 24 * 1024 * 1024,
    });
    b = await attendee('b', base + 1);
    await Promise.all([a.session.ready, b.session.ready]);
  });

  after(async () => {
    await Promise.all(sessions.map((s) => s.close('test over')));
    await Promise.all(shells.map((s) => s.dispose()));
    rmSync(root, {recursive: true, force: true});
  });

  it('runs as its own uid in its own HOME', async () => {
    const r = await run(a.session, 'id -un; echo "$HOME"; pwd; touch ~/mine && echo wrote');
    assert.match(r.output, /^learner\r?$/m);
    assert.match(r.output, new RegExp(`^${SHELL_HOME}\\r?$`, 'm'));
    assert.match(r.output, /^wrote\r?$/m);
    assert.equal(statSync(path.join(a.home, 'mine')).uid, statSync(a.home).uid);
  });

  it("cannot read the instructor's HOME, the other attendee's HOME, or write the system", async () => {
    const r = await run(
      a.session,
      `cat ${instructorHome}/secret.txt; ls ${b.home}; ls /root; cat /proc/1/environ >/dev/null && echo env-visible; touch /usr/x; echo done`,
    );
    assert.doesNotMatch(r.output, /instructor-secret/);
    assert.match(r.output, new RegExp(`${instructorHome}/secret.txt: No such file or directory`));
    assert.match(r.output, new RegExp(`${b.home}': No such file or directory`));
    assert.match(r.output, /touch: cannot touch '\/usr\/x': Read-only file system/);
  });

  it('sees only its own processes', async () => {
    await run(b.session, 'sleep 4242 &');
    const r = await run(a.session, 'ps -e -o pid=,comm=');
    assert.doesNotMatch(r.output, /sleep/);
    assert.doesNotMatch(r.output, /node/, 'not the lab server either');
    await run(b.session, 'kill %1');
  });

  it('a file larger than the limit fails in that shell; the other shell is unaffected', async () => {
    const r = await run(a.session, 'head -c 2G /dev/zero > ~/big; echo "exit=$?"; stat -c %s ~/big');
    assert.match(r.output, /File size limit exceeded|exit=153/);
    assert.ok(statSync(path.join(a.home, 'big')).size <= 8 * 1024 * 1024);
    const other = await run(b.session, 'echo still-here');
    assert.match(other.output, /still-here/);
    rmSync(path.join(a.home, 'big'), {force: true});
  });

  it('HOME has a hard size: filling it fails in that HOME only', async () => {
    assert.equal(a.shell.homeQuota.kind, 'volume', JSON.stringify(a.shell.homeQuota));
    const r = await run(
      a.session,
      'for i in 1 2 3 4; do head -c 7M /dev/zero > ~/f$i || break; done; df -h ~ | tail -1',
    );
    assert.match(r.output, /No space left on device/);
    const other = await run(b.session, 'head -c 1M /dev/zero > ~/ok && echo b-wrote');
    assert.match(other.output, /b-wrote/);
    await run(a.session, 'rm -f ~/f*');
  });

  it('memory past the ceiling kills the process that took it, not the shell', async () => {
    const r = await run(
      a.session,
      'bash -c \'x=$(head -c 300M /dev/zero | tr "\\\\0" a); echo survived\'; echo "exit=$?"',
    );
    assert.doesNotMatch(r.output, /survived/);
    assert.match(r.output, /exit=(137|1)/);
    if (probe.cgroups.memory) await waitFor(() => a.shell.events().oomKills > 0, 'an oom_kill event');
    const again = await run(a.session, 'echo shell-alive');
    assert.match(again.output, /shell-alive/);
  });

  it('a fork bomb hits the process ceiling; the other attendee still runs commands', async () => {
    a.session.write(':(){ :|:& };:\r');
    // while the bomb goes off, the other shell answers
    const other = await run(b.session, 'for i in 1 2 3; do echo "b-$i"; done');
    assert.match(other.output, /b-3/);
    await waitFor(() => a.shell.events().pidsMax > 0 || !probe.cgroups.pids, 'a pids.max event');
    assert.ok(existsSync(a.home));
  });
});

async function run(session: PtySession, command: string): Promise<CommandFinished> {
  const finished = new Promise<CommandFinished>((resolve) => {
    const sub = session.onCommandFinished((e) => {
      sub.dispose();
      resolve(e);
    });
  });
  session.write(`${command}\r`);
  return finished;
}

async function waitFor(ok: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (ok()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`timed out waiting for ${what}`);
}
