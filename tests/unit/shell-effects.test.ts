/** What a step's command leaves in the shell, read from its text (src/core/steps/shell-effects.ts). */
import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {changesShell, shellEffects} from '../../src/core/steps/shell-effects';
import {repoManifests} from '../fixtures/site-manifests';

function effects(command: string) {
  const e = shellEffects(command);
  return {sets: e.sets, cwd: e.cwd, other: e.other, reads: e.reads};
}

describe('shellEffects', () => {
  it('export and plain assignments set variables', () => {
    assert.deepEqual(effects('export LAB_CLUSTER=ambient').sets, ['LAB_CLUSTER']);
    assert.deepEqual(effects('A=1; B=$(date) && export C').sets, ['A', 'B', 'C']);
    assert.deepEqual(effects('declare -x D=1 E').sets, ['D', 'E']);
  });

  it('an assignment before a command is that command’s environment only', () => {
    assert.deepEqual(effects('KUBECONFIG=/tmp/k kubectl get pods').sets, []);
    assert.deepEqual(effects('curl -sL https://x | ISTIO_VERSION=1.2 sh -').sets, []);
  });

  it('subshells, pipelines, background jobs and command substitutions keep their assignments', () => {
    assert.deepEqual(effects('(A=1; cd /tmp)').sets, []);
    assert.equal(effects('(A=1; cd /tmp)').cwd, false);
    assert.deepEqual(effects('A=1 | cat').sets, []);
    assert.deepEqual(effects('(sleep 3; touch x) &').sets, []);
    assert.deepEqual(effects('echo $(B=2; echo $B)').sets, []);
  });

  it('cd and pushd change the working directory; aliases, functions, options and source are other state', () => {
    assert.equal(effects('mkdir -p ~/ambient-lab && cd ~/ambient-lab && pwd').cwd, true);
    assert.equal(effects('echo cd').cwd, false);
    assert.deepEqual(effects('alias k=kubectl').other, ['alias']);
    assert.deepEqual(effects('source ~/.bashrc').other, ['source']);
    assert.deepEqual(effects('set -o vi').other, ['option']);
    assert.deepEqual(effects('greet() { echo hi; }').other, ['function']);
    assert.equal(changesShell(shellEffects('kubectl get pods -n foo')), false);
  });

  it('reads are variables used before the step sets them', () => {
    assert.deepEqual(effects('echo "cluster name: $LAB_CLUSTER"').reads, ['LAB_CLUSTER']);
    assert.deepEqual(effects('N=$(hostname)\necho "$N ${OTHER:-x}"').reads, ['OTHER']);
    assert.deepEqual(effects('awk \'{print $1}\' <<< "$IN"').reads, ['IN']);
    assert.deepEqual(effects('for i in $(seq 1 3); do echo $i; done').reads, []);
    assert.deepEqual(effects('echo $? $! $1').reads, []);
  });

  it('heredoc bodies are not commands; unquoted ones expand variables', () => {
    const quoted = effects("kubectl apply -f - <<'EOF'\nkind: X\nname: $NOT_A_READ\nEOF\necho done");
    assert.deepEqual(quoted.reads, []);
    assert.deepEqual(quoted.sets, []);
    const plain = effects('cat <<EOF\nvalue: $FROM_SHELL\nEOF');
    assert.deepEqual(plain.reads, ['FROM_SHELL']);
  });

  it('reads the walkthrough’s shell-dependent steps as a learner would', async () => {
    const manifests = await repoManifests();
    const byId = new Map(
      manifests
        .pages('en')
        .flatMap((page) => page.steps.map((step) => [`${page.pageId}/${step.id}` as string, step] as const)),
    );
    const of = (ref: string) => effects(byId.get(ref)!.command);
    assert.deepEqual(of('before-you-begin/set-cluster-name').sets, ['LAB_CLUSTER']);
    assert.deepEqual(of('before-you-begin/use-cluster-name').reads, ['LAB_CLUSTER']);
    assert.equal(of('before-you-begin/workdir').cwd, true);
    assert.deepEqual(of('before-you-begin/wait-for-ready').sets, []);
    assert.deepEqual(of('argo/argocd-hash').sets, ['ARGOCD_PASSWORD', 'ARGOCD_HASH']);
    assert.deepEqual(of('argo/argocd-hash').reads, []);
    assert.deepEqual(of('argo/argocd-password').reads, ['ARGOCD_HASH']);
    assert.deepEqual(of('argo/argocd-port-forward').sets, []);
    assert.deepEqual(of('traffic-httpbin/sleep-node-pid').sets, ['NODE', 'PID']);
    assert.deepEqual(of('traffic-httpbin/sidecar-iptables').reads, ['NODE', 'PID']);
    assert.deepEqual(of('traffic-httpbin/ztunnel-log').reads, []);
    // steps that only talk to the cluster leave nothing in the shell
    for (const ref of ['create-cluster/cluster-create', 'sample-apps/deploy-sleep', 'traffic-waypoint/route-jason'])
      assert.equal(changesShell(shellEffects(byId.get(ref)!.command)), false, ref);
  });
});
