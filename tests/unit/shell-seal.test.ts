/**
 * The sandbox shell is sealed: a learner whose ~/.bashrc exports KUBECONFIG to another cluster and puts another
 * kubectl first on PATH still gets a lab terminal whose kubectl reaches the sandbox (their aliases stay), the
 * walkthrough's ~/ambient-lab lives under the lab's state dir, and a KUBECONFIG exported by hand after the start
 * makes the next step refuse (in the terminal and in the step's result) instead of reaching the other cluster.
 */
import assert from 'node:assert/strict';
import {chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import type {CommandFinished} from '../../src/core/shell/events';
import type {PageManifest, StepSpec} from '../../src/core/steps/types';
import {createStepEngine} from '../../server/engine/create-step-engine';
import {SEAL_CHECK} from '../../server/engine/seal-check';
import type {SessionStepEngine} from '../../server/engine/step-engine';
import {manifestIndex} from '../../server/manifests/load';
import {PtySession} from '../../server/sessions/pty-session';
import {NO_KUBECTL, startBackend, type BackendHarness} from '../fixtures/sandbox-backend/harness';

const step = (id: string, command: string, contains?: string): StepSpec => ({
  id,
  lang: 'bash',
  command,
  timeoutMs: 30_000,
  exitCode: 0,
  expect: contains ? [{kind: 'contains', pattern: contains}] : [],
});

const PAGE: PageManifest = {
  pageId: 'seal',
  locale: 'en',
  title: 'seal',
  source: 'docs/seal.mdx',
  steps: [
    step('create', 'k3d cluster create seal'),
    step('reach', 'kubectl get ns kube-system -o name', 'namespace/kube-system'),
    step('workdir', 'mkdir -p ~/ambient-lab && cd ~/ambient-lab && pwd'),
  ],
};

/** a learner's real HOME whose .bashrc points kubectl elsewhere, as many do */
function learnerHome(root: string): string {
  const home = path.join(root, 'real-home');
  mkdirSync(path.join(home, 'bin'), {recursive: true});
  writeFileSync(path.join(home, 'bin', 'kubectl'), '#!/bin/sh\necho "BOGUS kubectl $*"\nexit 99\n');
  chmodSync(path.join(home, 'bin', 'kubectl'), 0o755);
  writeFileSync(path.join(home, 'other-cluster.yaml'), 'apiVersion: v1\nkind: Config\n');
  writeFileSync(
    path.join(home, '.bashrc'),
    [
      `export KUBECONFIG="$HOME/other-cluster.yaml"`,
      `export PATH="$HOME/bin:$PATH"`,
      `alias ll='ls -l'`,
      `alias kubectl='kubectl --context=prod'`,
      `export SSL_CERT_FILE=/nonexistent.pem`,
      `cd /`,
      '',
    ].join('\n'),
  );
  return home;
}

function nextFinish(session: PtySession): Promise<CommandFinished> {
  return new Promise((resolve) => {
    const sub = session.onCommandFinished((e) => {
      sub.dispose();
      resolve(e);
    });
  });
}

/** type a command by hand and wait for it to finish and the prompt to come back (with its report) */
async function typed(session: PtySession, line: string): Promise<CommandFinished> {
  const finished = nextFinish(session);
  const prompt = new Promise<void>((resolve) => {
    const sub = session.onPromptReady((e) => {
      if (e.continuation) return;
      sub.dispose();
      resolve();
    });
  });
  session.write(line + '\r');
  const result = await finished;
  await prompt;
  return result;
}

describe('the sealed sandbox shell', {skip: NO_KUBECTL}, () => {
  let h: BackendHarness;
  let root: string;
  let home: string;
  let session: PtySession;
  let engine: SessionStepEngine;
  let output = '';

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'shell-seal-'));
    home = learnerHome(root);
    h = await startBackend(path.join(root, 'state'));
    session = new PtySession({
      id: 'shell-seal-test-0001',
      learner: 'local',
      environment: await h.backend.shellEnvironment('local'),
      cols: 200,
      rows: 40,
      baseEnv: {...process.env, HOME: home},
    });
    session.onOutput((data) => (output += data));
    await session.ready;
    engine = await createStepEngine({session, backend: h.backend, manifests: manifestIndex(new Map([['en', [PAGE]]]))});
  });

  after(async () => {
    engine?.dispose();
    await session?.close('test over');
    await h?.close();
    rmSync(root, {recursive: true, force: true});
  });

  it("re-asserts the sandbox's KUBECONFIG, CA bundle, PATH and start directory after ~/.bashrc, keeping its other aliases", async () => {
    const env = await h.backend.shellEnvironment('local');
    const r = await typed(
      session,
      'echo "$KUBECONFIG|$SSL_CERT_FILE|$PWD|$HOME"; type -t ll; type -P kubectl; alias kubectl 2>/dev/null || echo no-alias',
    );
    assert.equal(r.exitCode, 0);
    const [vars, llType, kubectlPath, kubectlAlias] = r.output.trim().split('\n');
    assert.equal(vars, `${env.env.KUBECONFIG}|${env.env.SSL_CERT_FILE}|${env.cwd}|${env.env.HOME}`);
    assert.equal(llType, 'alias', 'the learner keeps their own aliases');
    assert.equal(kubectlPath, `${env.seal!.pathFirst}/kubectl`);
    assert.match(kubectlAlias!, /no-alias/);
  });

  it("the lab terminal's kubectl reaches the sandbox, not the cluster ~/.bashrc names", async () => {
    assert.equal((await engine.run('en', 'seal', 'create')).status, 'passed');
    const result = await engine.run('en', 'seal', 'reach');
    assert.equal(result.status, 'passed', JSON.stringify(result.failure));
    assert.doesNotMatch(output, /BOGUS/);
  });

  it("~/ambient-lab lives in the sandbox's own home under the lab's state dir, not in the real HOME", async () => {
    const result = await engine.run('en', 'seal', 'workdir');
    assert.equal(result.status, 'passed');
    const pwd = (await typed(session, 'pwd')).output.trim();
    assert.equal(pwd, path.join(h.stateDir, 'workspaces', 'local', 'ambient-lab'));
  });

  it('refuses the next step after `export KUBECONFIG=…` by hand, in the terminal and in its result; lab_reseal ends it', async () => {
    await typed(session, `export KUBECONFIG=${home}/other-cluster.yaml`);
    let ran = 0;
    const sub = session.onCommandStarted(() => ran++);
    const before = output.length;
    const result = await engine.run('en', 'seal', 'reach');
    assert.equal(result.status, 'failed');
    assert.equal(result.failure?.check, SEAL_CHECK);
    assert.match(result.failure!.actual, new RegExp(`^KUBECONFIG=${home}/other-cluster.yaml$`, 'm'));
    assert.match(result.failure!.expected, /^KUBECONFIG=.*kubeconfig\.yaml$/m);
    // the shell says it, above its prompt; nothing was typed
    await waitFor(() => /Step not run/.test(output.slice(before)));
    assert.match(output.slice(before), /KUBECONFIG is .*other-cluster\.yaml, not the sandbox's/);
    assert.match(output.slice(before), /lab_reseal/);
    assert.equal(ran, 0, 'the step was not typed');
    sub.dispose();

    // in Korean too
    const ko = output.length;
    const koEngine = await createStepEngine({
      session,
      backend: h.backend,
      manifests: manifestIndex(new Map([['ko', [{...PAGE, locale: 'ko'}]]])),
    });
    assert.equal((await koEngine.run('ko', 'seal', 'reach')).failure?.check, SEAL_CHECK);
    await waitFor(() => /단계를 실행하지 않았습니다/.test(output.slice(ko)));
    koEngine.dispose();

    await typed(session, 'lab_reseal');
    assert.equal((await engine.run('en', 'seal', 'reach')).status, 'passed');
  });

  it("refuses when the kubeconfig's current context is edited to reach another cluster", async () => {
    const server = (
      await typed(session, "kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}'")
    ).output.trim();
    assert.match(server, /^https:\/\/(127\.0\.0\.1|0\.0\.0\.0):\d+/);
    await typed(session, 'kubectl config set-cluster k3d-seal --server=https://10.20.30.40:6443');
    const before = output.length;
    const result = await engine.run('en', 'seal', 'reach');
    assert.equal(result.failure?.check, SEAL_CHECK);
    assert.equal(result.failure?.actual, 'current-context=k3d-seal (https://10.20.30.40:6443)');
    await waitFor(() => /current context \(k3d-seal\) points outside the sandbox/.test(output.slice(before)));
    await typed(session, `kubectl config set-cluster k3d-seal --server=${server}`);
    assert.equal((await engine.run('en', 'seal', 'reach')).status, 'passed');
  });

  it('refuses when an alias or another kubectl takes over after the start', async () => {
    await typed(session, `alias kubectl='${home}/bin/kubectl'`);
    const aliased = await engine.run('en', 'seal', 'reach');
    assert.equal(aliased.failure?.check, SEAL_CHECK);
    assert.match(aliased.failure!.actual, /^cmd:kubectl=alias$/m);
    await typed(session, `unalias kubectl; PATH=${home}/bin:$PATH`);
    const shadowed = await engine.run('en', 'seal', 'reach');
    assert.match(shadowed.failure!.actual, new RegExp(`^cmd:kubectl=${home}/bin/kubectl$`, 'm'));
    await typed(session, 'lab_reseal');
    assert.equal((await engine.run('en', 'seal', 'reach')).status, 'passed');
  });

  it("accepts the istioctl the sandbox's downloader leaves first on PATH, and refuses it once edited", async () => {
    const download = await typed(
      session,
      'cd "$(mktemp -d)" && curl -sL https://istio.io/downloadIstio | sh - >/dev/null && ' +
        'export PATH="$(echo "$PWD"/istio-*/bin):$PATH" && istioctl version --remote=false && type -P istioctl',
    );
    assert.equal(download.exitCode, 0, output.slice(-2000));
    assert.match(output, /client version: \d+\.\d+\.\d+/);
    assert.match(output, /\/istio-[\d.]+\/bin\/istioctl\r?\n/);
    assert.equal((await engine.run('en', 'seal', 'reach')).status, 'passed');

    await typed(session, 'echo "echo elsewhere" >> istio-*/bin/istioctl');
    const edited = await engine.run('en', 'seal', 'reach');
    assert.equal(edited.failure?.check, SEAL_CHECK);
    assert.match(edited.failure!.actual, /^cmd:istioctl=.*\/istio-[\d.]+\/bin\/istioctl$/m);
    await typed(session, 'lab_reseal');
    assert.equal((await engine.run('en', 'seal', 'reach')).status, 'passed');
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}
