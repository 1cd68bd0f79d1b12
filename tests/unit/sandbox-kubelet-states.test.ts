import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {bootCluster, type ClusterRuntime} from '../../server/backends/sandbox/cluster/index';
import {TIMINGS} from '../../server/backends/sandbox/cluster/timings';
import {ManualClock} from '../../server/backends/sandbox/kit/clock';
import {installPodRuntime, type PodRuntime} from '../../server/backends/sandbox/runtime/index';
import {catalogEngine} from '../../server/backends/sandbox/runtime/container-engine';
import {startHarness, type Harness, NO_KUBECTL, rows} from '../fixtures/sandbox/harness';
import {walkthroughSpec} from '../fixtures/sandbox-cluster/cluster-harness';

// Kubelet-driven pod states as the real kubectl shows them, on a ManualClock: images that do not pull
// (ErrImagePull ⇄ ImagePullBackOff), containers whose process exits (Error, CrashLoopBackOff, restartPolicy),
// their events, `kubectl logs` / `-p`. Reference: k8s v1.31 pkg/kubelet (images/image_manager.go,
// kuberuntime/kuberuntime_manager.go doBackOff, kubelet_pods.go getPhase and validateContainerLogStatus).

const pod = (name: string, container: string, extra = '') => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
${extra}  containers:
  - ${container}
`;

describe('kubelet states through kubectl', {skip: NO_KUBECTL}, () => {
  let h: Harness;
  let rt: PodRuntime;
  let cluster: ClusterRuntime;
  const clock = new ManualClock(new Date());
  const k = (...args: string[]) => h.kubectl('ks', args, {timeoutMs: 20_000});
  /** let simulated time pass in small steps so every controller gets its turns */
  const pass = (ms: number, step = 50) => {
    for (let t = 0; t < ms; t += step) clock.advance(Math.min(step, ms - t));
  };
  const apply = async (yaml: string) => {
    const r = await h.kubectl('ks', ['apply', '-f', '-'], {input: yaml});
    assert.equal(r.code, 0, r.stderr);
  };
  const statusOf = async (name: string) => {
    const r = await k('get', 'pod', name, '--no-headers');
    assert.equal(r.code, 0, r.stderr);
    return rows(r.stdout)[0]!;
  };
  const json = async (name: string) => JSON.parse((await k('get', 'pod', name, '-o', 'json')).stdout);
  const events = async (name: string) => {
    const r = await k(
      'get',
      'events',
      '--field-selector',
      `involvedObject.name=${name}`,
      '-o',
      'custom-columns=TYPE:.type,REASON:.reason,COUNT:.count,MESSAGE:.message',
      '--no-headers',
    );
    assert.equal(r.code, 0, r.stderr);
    return r.stdout
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .map(([type, reason, count, ...msg]) => ({type, reason, count: Number(count), message: msg.join(' ')}));
  };

  before(async () => {
    h = await startHarness({clock, store: {gracefulPodDeletion: true}});
    rt = installPodRuntime(h.api, {clock});
    const sb = h.api.sandboxes.create('ks');
    const booting = bootCluster(sb, walkthroughSpec('ks'), {clock, engine: catalogEngine()});
    clock.advance(TIMINGS.agentJoin);
    cluster = await booting;
    pass(2000);
  });
  after(async () => {
    cluster?.dispose();
    rt?.dispose();
    await h?.close();
  });

  it('an unknown tag: ErrImagePull, then ImagePullBackOff, pulled again after 10 s, 20 s', async () => {
    await apply(pod('bad', '{name: web, image: nginx:nope}'));
    pass(TIMINGS.schedule + TIMINGS.podAdmit + TIMINGS.imagePull + 60);
    assert.deepEqual((await statusOf('bad')).slice(0, 4), ['bad', '0/1', 'ErrImagePull', '0']);
    const ref = 'docker.io/library/nginx:nope';
    const err = `rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`;
    let p = await json('bad');
    assert.equal(p.status.phase, 'Pending');
    assert.deepEqual(p.status.containerStatuses[0].state, {waiting: {reason: 'ErrImagePull', message: err}});
    pass(TIMINGS.podAdmit + 60);
    assert.equal((await statusOf('bad'))[2], 'ImagePullBackOff');
    p = await json('bad');
    assert.deepEqual(p.status.containerStatuses[0].state.waiting, {
      reason: 'ImagePullBackOff',
      message: 'Back-off pulling image "nginx:nope"',
    });
    const ev = await events('bad');
    const find = (reason: string, message: string) => ev.find((e) => e.reason === reason && e.message === message);
    assert.ok(find('Pulling', 'Pulling image "nginx:nope"'), JSON.stringify(ev));
    assert.equal(find('Failed', `Failed to pull image "nginx:nope": ${err}`)?.type, 'Warning');
    assert.ok(find('Failed', 'Error: ErrImagePull'));
    assert.equal(find('BackOff', 'Back-off pulling image "nginx:nope"')?.type, 'Normal');
    assert.ok(find('Failed', 'Error: ImagePullBackOff'));
    // the kubelet's error texts for logs of a container that never ran
    const logs = await k('logs', 'bad');
    assert.equal(logs.code, 1);
    assert.match(logs.stderr, /container "web" in pod "bad" is waiting to start: trying and failing to pull image/);

    pass(9_000);
    assert.equal((await statusOf('bad'))[2], 'ImagePullBackOff');
    pass(1_200);
    assert.equal((await events('bad')).find((e) => e.reason === 'Pulling')?.count, 2);
    // the second failure doubles the back-off: no pull for 20 s
    pass(15_000);
    assert.equal((await events('bad')).find((e) => e.reason === 'Pulling')?.count, 2);
    pass(6_000);
    assert.equal((await events('bad')).find((e) => e.reason === 'Pulling')?.count, 3);
  });

  it('fixing the image (kubectl set image) pulls it at once and the pod runs', async () => {
    const r = await k('set', 'image', 'pod/bad', 'web=nginx:1.27');
    assert.equal(r.code, 0, r.stderr);
    pass(1_000);
    assert.deepEqual((await statusOf('bad')).slice(1, 4), ['1/1', 'Running', '0']);
    assert.ok((await events('bad')).some((e) => e.reason === 'Pulling' && e.message === 'Pulling image "nginx:1.27"'));
  });

  it('a repository Docker Hub does not have: pull access denied', async () => {
    await apply(pod('nosuch', '{name: app, image: doesnotexist}'));
    pass(TIMINGS.schedule + TIMINGS.podAdmit + TIMINGS.imagePull + 60);
    const p = await json('nosuch');
    const ref = 'docker.io/library/doesnotexist:latest';
    assert.equal(
      p.status.containerStatuses[0].state.waiting.message,
      `rpc error: code = Unknown desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`,
    );
  });

  it('a command that exits 1: Error, one restart at once, then CrashLoopBackOff with a doubling back-off', async () => {
    await apply(
      pod('crash', `{name: app, image: busybox:1.36, command: [sh, -c, 'echo starting; echo oops >&2; exit 1']}`),
    );
    pass(TIMINGS.schedule + TIMINGS.podAdmit + TIMINGS.imagePull + TIMINGS.imagePresent * 2 + 200);
    let r = await statusOf('crash');
    assert.equal(r[2], 'CrashLoopBackOff', r.join(' '));
    assert.match(r[3]!, /^1 \(\d+s ago\)$/);
    let p = await json('crash');
    const st = p.status.containerStatuses[0];
    assert.equal(p.status.phase, 'Running');
    assert.equal(st.restartCount, 1);
    assert.equal(st.lastState.terminated.exitCode, 1);
    assert.equal(st.lastState.terminated.reason, 'Error');
    assert.equal(
      st.state.waiting.message,
      `back-off 10s restarting failed container=app pod=crash_default(${p.metadata.uid})`,
    );
    const ev = await events('crash');
    const backOff = ev.find((e) => e.reason === 'BackOff');
    assert.equal(backOff?.type, 'Warning');
    assert.equal(backOff?.message, `Back-off restarting failed container app in pod crash_default(${p.metadata.uid})`);
    assert.ok(
      ev.some(
        (e) => e.reason === 'Pulled' && e.message === 'Container image "busybox:1.36" already present on machine',
      ),
    );
    // the last run's output, while it waits; and with -p
    const logs = await k('logs', 'crash');
    assert.equal(logs.code, 0, logs.stderr);
    assert.equal(logs.stdout, 'starting\noops\n');
    const prev = await k('logs', 'crash', '-p');
    assert.equal(prev.code, 0, prev.stderr);
    assert.equal(prev.stdout, 'starting\noops\n');

    pass(10_000);
    p = await json('crash');
    assert.equal(p.status.containerStatuses[0].restartCount, 2);
    assert.match(p.status.containerStatuses[0].state.waiting.message, /^back-off 20s restarting failed container=app /);
    pass(20_500);
    r = await statusOf('crash');
    assert.match(r[3]!, /^3 /, r.join(' '));
  });

  it('logs -p of a container that never restarted: the API server says there is none', async () => {
    await apply(pod('calm', '{name: app, image: busybox:1.36, command: [sleep, infinity]}'));
    pass(1_000);
    assert.deepEqual((await statusOf('calm')).slice(1, 4), ['1/1', 'Running', '0']);
    const r = await k('logs', 'calm', '-p');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /previous terminated container "app" in pod "calm" not found/);
  });

  it('restartPolicy Never: the pod Fails (exit 3) or Succeeds (exit 0) and stays', async () => {
    await apply(
      pod('once-bad', `{name: app, image: busybox, command: [sh, -c, 'sleep 2; exit 3']}`, '  restartPolicy: Never\n'),
    );
    await apply(pod('once-ok', `{name: app, image: busybox, command: [echo, done]}`, '  restartPolicy: Never\n'));
    pass(1_000);
    assert.equal((await statusOf('once-bad'))[2], 'Running');
    pass(2_500);
    assert.deepEqual((await statusOf('once-bad')).slice(1, 4), ['0/1', 'Error', '0']);
    assert.deepEqual((await statusOf('once-ok')).slice(1, 4), ['0/1', 'Completed', '0']);
    const bad = await json('once-bad');
    assert.equal(bad.status.phase, 'Failed');
    assert.equal(bad.status.containerStatuses[0].state.terminated.exitCode, 3);
    assert.equal((await json('once-ok')).status.phase, 'Succeeded');
    assert.equal((await k('logs', 'once-ok')).stdout, 'done\n');
    pass(30_000);
    assert.equal((await statusOf('once-bad'))[3], '0');
  });

  it('restartPolicy OnFailure: a failing container restarts, one that succeeds does not', async () => {
    await apply(pod('retry', `{name: app, image: busybox, command: ['false']}`, '  restartPolicy: OnFailure\n'));
    pass(1_000);
    const r = await statusOf('retry');
    assert.equal(r[2], 'CrashLoopBackOff');
    assert.equal((await json('retry')).status.phase, 'Running');
  });

  it('a bare busybox (its sh reads an empty stdin and exits 0) crash-loops as Completed', async () => {
    await apply(pod('bare', '{name: app, image: busybox}'));
    pass(1_000);
    const p = await json('bare');
    assert.equal(p.status.containerStatuses[0].lastState.terminated.reason, 'Completed');
    assert.equal(p.status.containerStatuses[0].state.waiting.reason, 'CrashLoopBackOff');
  });

  it('a Job whose pods fail: replaced after 10 s, then BackoffLimitExceeded', async () => {
    await apply(`apiVersion: batch/v1
kind: Job
metadata: {name: flaky}
spec:
  backoffLimit: 1
  template:
    spec:
      restartPolicy: Never
      containers:
      - {name: task, image: busybox:1.36, command: [sh, -c, 'echo failing; exit 2']}
`);
    pass(2_000);
    let pods = rows((await k('get', 'pods', '-l', 'job-name=flaky', '--no-headers')).stdout);
    assert.equal(pods.length, 1);
    assert.equal(pods[0]![2], 'Error');
    pass(10_000);
    pods = rows((await k('get', 'pods', '-l', 'job-name=flaky', '--no-headers')).stdout);
    assert.deepEqual(
      pods.map((r) => r[2]),
      ['Error', 'Error'],
    );
    const job = JSON.parse((await k('get', 'job', 'flaky', '-o', 'json')).stdout);
    assert.equal(job.status.failed, 2);
    const failed = job.status.conditions.find((c: {type: string}) => c.type === 'Failed');
    assert.equal(failed.reason, 'BackoffLimitExceeded');
    assert.equal(failed.message, 'Job has reached the specified backoff limit');
    const ev = await events('flaky');
    assert.ok(
      ev.some((e) => e.type === 'Warning' && e.reason === 'BackoffLimitExceeded'),
      JSON.stringify(ev),
    );
    assert.equal((await k('logs', 'job/flaky')).stdout, 'failing\n');
    pass(30_000);
    assert.equal(rows((await k('get', 'pods', '-l', 'job-name=flaky', '--no-headers')).stdout).length, 2);
  });

  it('a readiness probe on a port nothing listens on: Running, 0/1, Unhealthy every period', async () => {
    await apply(
      pod(
        'unready',
        '{name: web, image: nginx:1.27, readinessProbe: {httpGet: {path: /healthz, port: 8080}, periodSeconds: 5}}',
      ),
    );
    await apply(pod('ready', '{name: web, image: nginx:1.27, readinessProbe: {httpGet: {path: /, port: 80}}}'));
    pass(2_000);
    assert.deepEqual((await statusOf('unready')).slice(1, 4), ['0/1', 'Running', '0']);
    assert.deepEqual((await statusOf('ready')).slice(1, 4), ['1/1', 'Running', '0']);
    const ip = (await json('unready')).status.podIP;
    const message = `Readiness probe failed: Get "http://${ip}:8080/healthz": dial tcp ${ip}:8080: connect: connection refused`;
    let unhealthy = (await events('unready')).find((e) => e.reason === 'Unhealthy');
    assert.equal(unhealthy?.type, 'Warning');
    assert.equal(unhealthy?.message, message);
    pass(10_000);
    unhealthy = (await events('unready')).find((e) => e.reason === 'Unhealthy');
    assert.equal(unhealthy?.count, 3);
    assert.equal((await statusOf('unready'))[1], '0/1');
  });

  it('a liveness probe that fails: Unhealthy ×3, Killing, the container restarted', async () => {
    await apply(
      pod(
        'unlive',
        '{name: app, image: busybox:1.36, command: [sleep, infinity], livenessProbe: {tcpSocket: {port: 8080}, periodSeconds: 5}}',
      ),
    );
    pass(2_000);
    assert.deepEqual((await statusOf('unlive')).slice(1, 4), ['1/1', 'Running', '0']);
    pass(10_000);
    const p = await json('unlive');
    assert.equal(p.status.containerStatuses[0].restartCount, 1);
    assert.equal(p.status.containerStatuses[0].lastState.terminated.exitCode, 137);
    const ip = p.status.podIP;
    const ev = await events('unlive');
    assert.ok(
      ev.some(
        (e) =>
          e.reason === 'Unhealthy' &&
          e.count === 3 &&
          e.message === `Liveness probe failed: dial tcp ${ip}:8080: connect: connection refused`,
      ),
      JSON.stringify(ev),
    );
    assert.ok(
      ev.some((e) => e.reason === 'Killing' && e.message === 'Container app failed liveness probe, will be restarted'),
    );
  });

  it('a CronJob creates a Job each minute, keeps 3 finished ones; create job --from=cronjob runs one now', async () => {
    await apply(`apiVersion: batch/v1
kind: CronJob
metadata: {name: tick}
spec:
  schedule: '* * * * *'
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - {name: tick, image: busybox:1.36, command: [echo, tick]}
`);
    const manual = await k('create', 'job', 'tick-now', '--from=cronjob/tick');
    assert.equal(manual.code, 0, manual.stderr);
    assert.equal(manual.stdout.trim(), 'job.batch/tick-now created');
    pass(3_000);
    assert.equal(
      JSON.parse((await k('get', 'job', 'tick-now', '-o', 'json')).stdout).metadata.annotations[
        'cronjob.kubernetes.io/instantiate'
      ],
      'manual',
    );
    assert.equal((await k('logs', 'job/tick-now')).stdout, 'tick\n');
    pass(61_000, 250);
    const cj = JSON.parse((await k('get', 'cronjob', 'tick', '-o', 'json')).stdout);
    const minute = Math.floor(Date.parse(cj.status.lastScheduleTime) / 60_000);
    const scheduled = JSON.parse((await k('get', 'jobs', '-o', 'json')).stdout).items.filter(
      (j: {metadata: {name: string}}) => j.metadata.name.startsWith('tick-') && j.metadata.name !== 'tick-now',
    );
    // one job per minute boundary passed since the CronJob was made (one or two in 64 s), named by the minute
    const names0 = scheduled.map((j: {metadata: {name: string}}) => j.metadata.name);
    assert.ok(names0.includes(`tick-${minute}`) && names0.length >= 1 && names0.length <= 2, names0.join(' '));
    pass(4 * 60_000, 250);
    // successfulJobsHistoryLimit counts finished jobs: the minute's own job may still be running beside the three
    // (the clock starts at the wall clock's second, so the walk can end just after a minute boundary)
    type JobJson = {metadata: {name: string}; status?: {conditions?: {type: string; status: string}[]}};
    const ticks = (JSON.parse((await k('get', 'jobs', '-o', 'json')).stdout).items as JobJson[]).filter((j) =>
      /^tick-\d+$/.test(j.metadata.name),
    );
    const finished = ticks.filter((j) =>
      j.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True'),
    );
    const names = finished.map((j) => j.metadata.name);
    assert.equal(names.length, 3, ticks.map((j) => j.metadata.name).join(' '));
    assert.ok(ticks.length - finished.length <= 1, ticks.map((j) => j.metadata.name).join(' '));
    const ev = await events('tick');
    assert.ok(ev.some((e) => e.reason === 'SuccessfulCreate' && /^Created job tick-\d+$/.test(e.message)));
    assert.ok(
      ev.some(
        (e) => e.reason === 'SawCompletedJob' && /^Saw completed job: tick-\d+, condition: Complete$/.test(e.message),
      ),
    );
    assert.ok(ev.some((e) => e.reason === 'SuccessfulDelete' && /^Deleted job tick-\d+$/.test(e.message)));
    const row = rows((await k('get', 'cronjob', 'tick', '--no-headers')).stdout)[0]!;
    assert.equal(row[1], '* * * * *');
  });

  it('ConfigMap and Secret env, envFrom, fieldRef and volumes reach the container (kubectl exec)', async () => {
    await apply(`apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {greeting: hello, color: blue}
---
apiVersion: v1
kind: Secret
metadata: {name: creds}
stringData: {password: s3cret}
---
apiVersion: v1
kind: Pod
metadata: {name: cfg, labels: {app: cfg}}
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: [sleep, infinity]
    envFrom:
    - {configMapRef: {name: settings}, prefix: CFG_}
    env:
    - {name: PASSWORD, valueFrom: {secretKeyRef: {name: creds, key: password}}}
    - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
    - {name: APP, valueFrom: {fieldRef: {fieldPath: "metadata.labels['app']"}}}
    - {name: MESSAGE, value: "$(CFG_greeting) from $(POD_NAME)"}
    volumeMounts:
    - {name: config, mountPath: /etc/config}
    - {name: secret, mountPath: /etc/secret, readOnly: true}
  volumes:
  - {name: config, configMap: {name: settings, items: [{key: greeting, path: greeting.txt}]}}
  - {name: secret, secret: {secretName: creds}}
`);
    pass(2_000);
    const env = await k('exec', 'cfg', '--', 'env');
    assert.equal(env.code, 0, env.stderr);
    const vars = Object.fromEntries(
      env.stdout
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    assert.equal(vars.CFG_greeting, 'hello');
    assert.equal(vars.CFG_color, 'blue');
    assert.equal(vars.PASSWORD, 's3cret');
    assert.equal(vars.POD_NAME, 'cfg');
    assert.equal(vars.APP, 'cfg');
    assert.equal(vars.MESSAGE, 'hello from cfg');
    assert.equal((await k('exec', 'cfg', '--', 'cat', '/etc/config/greeting.txt')).stdout, 'hello');
    assert.equal((await k('exec', 'cfg', '--', 'cat', '/etc/secret/password')).stdout, 's3cret');
    assert.equal((await k('exec', 'cfg', '--', 'ls', '/etc/config')).stdout, 'greeting.txt\n');
  });

  it('init containers run first and their output shows in logs --all-containers', async () => {
    await apply(
      pod(
        'withinit',
        `{name: app, image: busybox:1.36, command: [sh, -c, 'echo app started; sleep 3600']}`,
        `  initContainers:\n  - {name: prepare, image: busybox:1.36, command: [sh, -c, 'echo preparing']}\n`,
      ),
    );
    pass(2_000);
    assert.deepEqual((await statusOf('withinit')).slice(1, 4), ['1/1', 'Running', '0']);
    const all = await k('logs', 'withinit', '--all-containers');
    assert.equal(all.code, 0, all.stderr);
    // kubectl asks for each container's log in turn (its order is kubectl's own)
    assert.deepEqual(all.stdout.trim().split('\n').sort(), ['app started', 'preparing']);
    assert.equal((await k('logs', 'withinit', '-c', 'prepare')).stdout, 'preparing\n');
  });

  it('an init container that fails: Init:Error, then Init:CrashLoopBackOff; with restartPolicy Never the pod Fails', async () => {
    const init = `  initContainers:\n  - {name: check, image: busybox:1.36, command: [sh, -c, 'echo not yet; exit 1']}\n`;
    await apply(pod('initfail', '{name: app, image: busybox:1.36, command: [sleep, infinity]}', init));
    await apply(
      pod(
        'initnever',
        '{name: app, image: busybox:1.36, command: [sleep, infinity]}',
        `  restartPolicy: Never\n${init}`,
      ),
    );
    pass(1_500);
    const r = await statusOf('initfail');
    assert.deepEqual(r.slice(1, 3), ['0/1', 'Init:CrashLoopBackOff']);
    const p = await json('initfail');
    assert.equal(p.status.phase, 'Pending');
    assert.equal(p.status.initContainerStatuses[0].restartCount, 1);
    assert.equal(p.status.containerStatuses[0].state.waiting.reason, 'PodInitializing');
    assert.equal((await k('logs', 'initfail', '-c', 'check')).stdout, 'not yet\n');
    assert.deepEqual((await statusOf('initnever')).slice(1, 4), ['0/1', 'Init:Error', '0']);
    assert.equal((await json('initnever')).status.phase, 'Failed');
  });

  it('graceful termination: a PID 1 that ignores SIGTERM stays Terminating for the grace period; a server stops at once', async () => {
    await apply(pod('stubborn', '{name: app, image: busybox:1.36, command: [sleep, infinity]}'));
    await apply(pod('brief', '{name: app, image: busybox:1.36, command: [sleep, infinity]}'));
    await apply(pod('forced', '{name: app, image: busybox:1.36, command: [sleep, infinity]}'));
    await apply(pod('server', '{name: web, image: nginx:1.27}'));
    pass(2_000);
    for (const [name, ...flags] of [['stubborn'], ['brief', '--grace-period=5'], ['server']]) {
      const r = await k('delete', 'pod', name!, '--wait=false', ...flags);
      assert.equal(r.code, 0, r.stderr);
    }
    const forced = await k('delete', 'pod', 'forced', '--force', '--grace-period=0');
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stderr, /Immediate deletion does not wait for confirmation/);
    pass(1_000);
    const names = async () => rows((await k('get', 'pods', '--no-headers')).stdout).map((r) => `${r[0]} ${r[2]}`);
    let now = await names();
    assert.ok(now.includes('stubborn Terminating') && now.includes('brief Terminating'), now.join(', '));
    assert.ok(!now.some((n) => n.startsWith('server ') || n.startsWith('forced ')), now.join(', '));
    pass(5_000);
    now = await names();
    assert.ok(now.includes('stubborn Terminating') && !now.some((n) => n.startsWith('brief ')), now.join(', '));
    pass(25_000, 250);
    assert.ok(!(await names()).some((n) => n.startsWith('stubborn ')));
  });

  it('the walkthrough pods still start and stay Running', async () => {
    await apply(
      pod('sleep', `{name: sleep, image: docker.io/curlimages/curl:8.16.0, command: [/bin/sleep, infinity]}`),
    );
    await apply(pod('httpbin', `{name: httpbin, image: docker.io/mccutchen/go-httpbin:v2.15.0}`));
    pass(60_000);
    assert.deepEqual((await statusOf('sleep')).slice(1, 4), ['1/1', 'Running', '0']);
    assert.deepEqual((await statusOf('httpbin')).slice(1, 4), ['1/1', 'Running', '0']);
  });
});
