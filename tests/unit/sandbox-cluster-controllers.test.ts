import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {ObjectStore} from '../../server/backends/sandbox/api/index';
import {bootCluster, resumeCluster} from '../../server/backends/sandbox/cluster/index';
import {seedFreshCluster} from '../../server/backends/sandbox/api/seed';
import {resolveKinds} from '../../server/backends/sandbox/api/kinds';
import {TIMINGS} from '../../server/backends/sandbox/cluster/timings';
import {WorkQueue} from '../../server/backends/sandbox/cluster/work-queue';
import {walkthroughSpec} from '../fixtures/sandbox-cluster/cluster-harness';
import {deploymentManifest, isPodReady, manualCluster, wrap, type J} from '../fixtures/sandbox-cluster/manual-cluster';
import {ManualClock} from '../../server/backends/sandbox/kit/clock';
import {matchGolden} from '../fixtures/golden/golden';

// The controllers on a ManualClock: simulated time only, no HTTP, no kubectl.

const ALPHABET = /^[bcdfghjklmnpqrstvwxz2456789]+$/;
const onNode = (pods: J[]) =>
  pods.reduce<Record<string, number>>((m, p) => ((m[p.spec.nodeName] = (m[p.spec.nodeName] ?? 0) + 1), m), {});

describe('bootCluster', () => {
  it("resolves once the agents' join delay has passed on the cluster's clock, every node registered", async () => {
    const clock = new ManualClock();
    const store = new ObjectStore({clock, gracefulPodDeletion: true});
    seedFreshCluster(store);
    let booted = false;
    const booting = bootCluster({store}, walkthroughSpec('lab', {agents: 2}), {clock}).then((rt) => {
      booted = true;
      return rt;
    });
    clock.advance(TIMINGS.agentJoin - 1);
    await Promise.resolve();
    assert.equal(booted, false, 'the agents have not joined yet');
    clock.advance(1);
    const rt = await booting;
    assert.equal(store.list(resolveKinds(store).nodes).items.length, 3);
    rt.dispose();
  });

  it('registers k3d nodes with k3s labels, docker addresses and flannel subnets', async () => {
    const c = await manualCluster({agents: 2});
    const nodes = c.list(c.kinds.nodes);
    assert.deepEqual(
      nodes.map((n) => n.metadata.name),
      ['k3d-lab-agent-0', 'k3d-lab-agent-1', 'k3d-lab-server-0'],
    );
    const server = c.get(c.kinds.nodes, undefined, 'k3d-lab-server-0')!;
    assert.equal(server.metadata.labels['node-role.kubernetes.io/master'], 'true');
    assert.equal(server.metadata.labels['k3s.io/hostname'], 'k3d-lab-server-0');
    assert.equal(server.spec.podCIDR, '10.42.0.0/24');
    assert.deepEqual(server.status.addresses, [
      {address: '172.18.0.2', type: 'InternalIP'},
      {address: 'k3d-lab-server-0', type: 'Hostname'},
    ]);
    assert.equal(server.status.capacity.pods, '110');
    assert.equal(server.status.nodeInfo.kubeletVersion, 'v1.31.5+k3s1');
    assert.equal(server.metadata.annotations['flannel.alpha.coreos.com/backend-type'], 'vxlan');
    const agent1 = c.get(c.kinds.nodes, undefined, 'k3d-lab-agent-1')!;
    assert.equal(agent1.metadata.labels['node-role.kubernetes.io/control-plane'], undefined);
    assert.equal(agent1.spec.podCIDR, '10.42.2.0/24');
    assert.equal(agent1.status.addresses[0].address, '172.18.0.4');
    c.rt.dispose();
  });

  it('brings kube-system up within two seconds; with traefik, the helm jobs complete and ServiceLB publishes node IPs', async () => {
    const c = await manualCluster({disableTraefik: false, agents: 2});
    c.advance(2000);
    const pods = c.list(c.kinds.pods, 'kube-system');
    const byPrefix = (p: string) => pods.filter((x) => x.metadata.name.startsWith(p));
    for (const p of ['coredns-', 'local-path-provisioner-', 'metrics-server-', 'traefik-'])
      assert.ok(byPrefix(p).every(isPodReady) && byPrefix(p).length === 1, p);
    assert.equal(byPrefix('svclb-traefik-').filter(isPodReady).length, 3);
    assert.deepEqual(
      byPrefix('helm-install-').map((p) => p.status.phase),
      ['Succeeded', 'Succeeded'],
    );
    const traefik = c.get(c.kinds.services, 'kube-system', 'traefik')!;
    assert.deepEqual(
      traefik.status.loadBalancer.ingress.map((i: J) => i.ip),
      ['172.18.0.2', '172.18.0.3', '172.18.0.4'],
    );
    const dns = c.get(c.kinds.endpoints, 'kube-system', 'kube-dns')!;
    assert.equal(dns.subsets[0].addresses.length, 1);
    assert.deepEqual(
      dns.subsets[0].ports.map((p: J) => `${p.name}/${p.port}/${p.protocol}`),
      ['dns/53/UDP', 'dns-tcp/53/TCP', 'metrics/9153/TCP'],
    );
    assert.ok(c.get(c.kinds.serviceaccounts, 'kube-system', 'default'));
    assert.ok(c.get(c.kinds.configmaps, 'default', 'kube-root-ca.crt'));
    c.rt.dispose();
  });
});

describe('pod lifecycle (kubelet stages)', () => {
  it('goes Pending → scheduled → ContainerCreating → Running+Ready with the events in the real order', async () => {
    const c = await manualCluster();
    c.advance(3000);
    c.create(
      c.kinds.deployments,
      deploymentManifest('web', {podSpec: {nodeSelector: {'kubernetes.io/hostname': 'k3d-lab-agent-1'}}}),
    );
    c.advance(0);
    let [pod] = c.list(c.kinds.pods, 'default');
    assert.match(pod!.metadata.name, /^web-[bcdfghjklmnpqrstvwxz2456789]{9,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.equal(pod!.spec.nodeName, undefined);
    c.advance(TIMINGS.schedule);
    [pod] = c.list(c.kinds.pods, 'default');
    assert.equal(pod!.spec.nodeName, 'k3d-lab-agent-1');
    assert.equal(pod!.status.phase, 'Pending');
    c.advance(TIMINGS.podAdmit);
    [pod] = c.list(c.kinds.pods, 'default');
    assert.equal(pod!.status.containerStatuses[0].state.waiting.reason, 'ContainerCreating');
    assert.equal(pod!.status.hostIP, '172.18.0.4');
    c.advance(TIMINGS.imagePull);
    [pod] = c.list(c.kinds.pods, 'default');
    assert.equal(pod!.status.phase, 'Running');
    assert.ok(isPodReady(pod!));
    assert.match(pod!.status.podIP, /^10\.42\.2\.\d+$/);
    assert.deepEqual(
      pod!.status.conditions.map((x: J) => x.type),
      ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'],
    );
    assert.match(pod!.status.containerStatuses[0].containerID, /^containerd:\/\/[0-9a-f]{64}$/);
    assert.equal(pod!.status.containerStatuses[0].image, 'docker.io/library/nginx:1.27');
    const ev = c.eventsFor(pod!);
    assert.deepEqual(
      ev.map((e) => e.split(':')[0]),
      ['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started'],
    );
    assert.equal(ev[0], `Scheduled: Successfully assigned default/${pod!.metadata.name} to k3d-lab-agent-1`);
    assert.match(
      ev[2]!,
      /^Pulled: Successfully pulled image "nginx:1\.27" in [\d.]+s \([\d.]+s including waiting\)\. Image size: \d+ bytes\.$/,
    );
    const total = TIMINGS.schedule + TIMINGS.podAdmit + TIMINGS.imagePull;
    assert.ok(total <= 1500, `a new pod is Ready ${total} ms after it is created`);
    // a second pod of the same image on the same node does not pull again
    c.store.delete(c.kinds.pods, 'default', pod!.metadata.name);
    c.advance(TIMINGS.schedule + TIMINGS.podAdmit + TIMINGS.imagePresent);
    const again = c.list(c.kinds.pods, 'default').find((p) => p.metadata.name !== pod!.metadata.name)!;
    assert.ok(isPodReady(again));
    assert.ok(c.eventsFor(again).includes('Pulled: Container image "nginx:1.27" already present on machine'));
    c.rt.dispose();
  });

  it('deletes gracefully: Terminating with a replacement at once, gone after the termination delay', async () => {
    const c = await manualCluster();
    c.create(c.kinds.deployments, deploymentManifest('web'));
    c.advance(2000);
    const [pod] = c.list(c.kinds.pods, 'default');
    c.store.delete(c.kinds.pods, 'default', pod!.metadata.name);
    c.advance(0);
    const during = c.list(c.kinds.pods, 'default');
    assert.equal(during.length, 2);
    assert.ok(c.get(c.kinds.pods, 'default', pod!.metadata.name)!.metadata.deletionTimestamp);
    assert.ok(c.eventsFor(pod!).some((e) => e === 'Killing: Stopping container web'));
    c.advance(TIMINGS.podTermination);
    assert.equal(c.get(c.kinds.pods, 'default', pod!.metadata.name), undefined);
    c.advance(2000);
    assert.equal(c.list(c.kinds.pods, 'default').filter(isPodReady).length, 1);
    c.rt.dispose();
  });

  it('runs init containers before the app container', async () => {
    const c = await manualCluster();
    c.create(c.kinds.pods, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {name: 'p', namespace: 'default'},
      spec: {initContainers: [{name: 'init', image: 'busybox:1.36'}], containers: [{name: 'app', image: 'nginx:1.27'}]},
    });
    c.advance(TIMINGS.schedule + TIMINGS.podAdmit);
    let p = c.get(c.kinds.pods, 'default', 'p')!;
    assert.equal(p.status.conditions.find((x: J) => x.type === 'Initialized').status, 'False');
    assert.equal(p.status.initContainerStatuses[0].state.waiting.reason, 'PodInitializing');
    c.advance(2000);
    p = c.get(c.kinds.pods, 'default', 'p')!;
    assert.equal(p.status.initContainerStatuses[0].state.terminated.reason, 'Completed');
    assert.ok(isPodReady(p));
    c.rt.dispose();
  });
});

describe('pods waiting on what they reference', () => {
  it('stays ContainerCreating with FailedMount until its ConfigMap exists, and reports CreateContainerConfigError for env refs', async () => {
    const c = await manualCluster();
    c.create(c.kinds.pods, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {name: 'vol', namespace: 'default'},
      spec: {volumes: [{name: 'cfg', configMap: {name: 'app-config'}}], containers: [{name: 'c', image: 'nginx:1.27'}]},
    });
    c.create(c.kinds.pods, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {name: 'env', namespace: 'default'},
      spec: {
        containers: [
          {
            name: 'c',
            image: 'nginx:1.27',
            env: [{name: 'PW', valueFrom: {secretKeyRef: {name: 'db', key: 'password'}}}],
          },
        ],
      },
    });
    c.advance(3000);
    const vol = c.get(c.kinds.pods, 'default', 'vol')!;
    assert.equal(vol.status.containerStatuses[0].state.waiting.reason, 'ContainerCreating');
    assert.ok(
      c
        .eventsFor(vol)
        .includes('FailedMount: MountVolume.SetUp failed for volume "cfg" : configmap "app-config" not found'),
    );
    const env = c.get(c.kinds.pods, 'default', 'env')!;
    assert.equal(env.status.containerStatuses[0].state.waiting.reason, 'CreateContainerConfigError');
    assert.ok(c.eventsFor(env).includes('Failed: Error: secret "db" not found'));
    c.create(c.kinds.configmaps, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {name: 'app-config', namespace: 'default'},
      data: {},
    });
    c.create(c.kinds.secrets, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {name: 'db', namespace: 'default'},
      data: {},
    });
    c.advance(TIMINGS.missingReferenceRetry + TIMINGS.imagePull);
    assert.ok(isPodReady(c.get(c.kinds.pods, 'default', 'vol')!));
    assert.ok(isPodReady(c.get(c.kinds.pods, 'default', 'env')!));
    c.rt.dispose();
  });
});

describe('scheduler', () => {
  it('reports an unsatisfiable nodeSelector the way kube-scheduler does, and binds once a node matches', async () => {
    const c = await manualCluster();
    c.create(c.kinds.pods, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {name: 'picky', namespace: 'default'},
      spec: {nodeSelector: {disk: 'ssd'}, containers: [{name: 'c', image: 'nginx:1.27'}]},
    });
    c.advance(500);
    let p = c.get(c.kinds.pods, 'default', 'picky')!;
    const cond = p.status.conditions.find((x: J) => x.type === 'PodScheduled');
    assert.equal(cond.reason, 'Unschedulable');
    assert.equal(
      cond.message,
      "0/5 nodes are available: 5 node(s) didn't match Pod's node affinity/selector. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling..",
    );
    assert.ok(c.eventsFor(p)[0]!.startsWith('FailedScheduling: 0/5 nodes are available'));
    const node = c.get(c.kinds.nodes, undefined, 'k3d-lab-agent-3')!;
    c.store.update(c.kinds.nodes, {
      ...node,
      metadata: {...node.metadata, labels: {...node.metadata.labels, disk: 'ssd'}},
    } as never);
    c.advance(100);
    p = c.get(c.kinds.pods, 'default', 'picky')!;
    assert.equal(p.spec.nodeName, 'k3d-lab-agent-3');
    c.rt.dispose();
  });

  it('honours required node affinity (NotIn, Exists) and NoSchedule taints with tolerations', async () => {
    const c = await manualCluster();
    for (const n of c.list(c.kinds.nodes).filter((x) => x.metadata.name.includes('agent')))
      c.store.update(c.kinds.nodes, {
        ...n,
        spec: {...n.spec, taints: [{key: 'dedicated', value: 'infra', effect: 'NoSchedule'}]},
      } as never);
    const pod = (name: string, spec: J) =>
      c.create(c.kinds.pods, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {name, namespace: 'default'},
        spec: {containers: [{name: 'c', image: 'nginx:1.27'}], ...spec},
      });
    pod('plain', {});
    pod('tolerant', {
      tolerations: [{key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule'}],
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              {
                matchExpressions: [
                  {key: 'node-role.kubernetes.io/master', operator: 'DoesNotExist'},
                  {
                    key: 'kubernetes.io/hostname',
                    operator: 'NotIn',
                    values: ['k3d-lab-agent-0', 'k3d-lab-agent-1', 'k3d-lab-agent-2'],
                  },
                ],
              },
            ],
          },
        },
      },
    });
    c.advance(200);
    assert.equal(c.get(c.kinds.pods, 'default', 'plain')!.spec.nodeName, 'k3d-lab-server-0');
    assert.equal(c.get(c.kinds.pods, 'default', 'tolerant')!.spec.nodeName, 'k3d-lab-agent-3');
    c.rt.dispose();
  });

  it('spreads replicas across nodes by fewest pods', async () => {
    const c = await manualCluster();
    c.advance(2000);
    // kube-system's three pods sit on server-0 (scheduled before the agents joined): 8 more fill the agents to 2 each
    assert.deepEqual(Object.keys(onNode(c.list(c.kinds.pods, 'kube-system'))), ['k3d-lab-server-0']);
    c.create(c.kinds.deployments, deploymentManifest('spread', {replicas: 8}));
    c.advance(2000);
    const counts = Object.values(onNode(c.list(c.kinds.pods).filter((p) => p.status.phase === 'Running')));
    assert.equal(counts.length, 5);
    assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, JSON.stringify(counts));
    c.rt.dispose();
  });
});

describe('workload controllers', () => {
  it('rolls a Deployment within maxSurge/maxUnavailable and keeps revisions', async () => {
    const c = await manualCluster();
    c.create(c.kinds.deployments, deploymentManifest('web', {replicas: 4}));
    c.advance(2000);
    let maxPods = 0;
    let minReady = Infinity;
    const sub = c.store.watch(() => {
      const pods = c.list(c.kinds.pods, 'default', 'app=web').filter((p) => !p.metadata.deletionTimestamp);
      maxPods = Math.max(maxPods, pods.length);
      minReady = Math.min(minReady, pods.filter(isPodReady).length);
    });
    const d = c.get(c.kinds.deployments, 'default', 'web')!;
    d.spec.template.spec.containers[0].image = 'nginx:1.28';
    c.store.update(c.kinds.deployments, d as never);
    c.advance(10_000);
    sub.dispose();
    assert.ok(maxPods <= 5, `maxSurge 25% of 4 is 1: saw ${maxPods} pods`);
    assert.ok(minReady >= 3, `maxUnavailable 25% of 4 is 1: saw ${minReady} ready`);
    const rs = c
      .list(c.kinds.replicasets, 'default')
      .sort(
        (a, b) =>
          Number(a.metadata.annotations['deployment.kubernetes.io/revision']) -
          Number(b.metadata.annotations['deployment.kubernetes.io/revision']),
      );
    assert.deepEqual(
      rs.map((r) => [r.metadata.annotations['deployment.kubernetes.io/revision'], r.spec.replicas]),
      [
        ['1', 0],
        ['2', 4],
      ],
    );
    assert.ok(ALPHABET.test(rs[1]!.metadata.labels['pod-template-hash']));
    assert.equal(rs[1]!.metadata.name, `web-${rs[1]!.metadata.labels['pod-template-hash']}`);
    const dep = c.get(c.kinds.deployments, 'default', 'web')!;
    assert.deepEqual(
      {
        g: dep.status.observedGeneration,
        r: dep.status.replicas,
        u: dep.status.updatedReplicas,
        a: dep.status.availableReplicas,
      },
      {g: dep.metadata.generation, r: 4, u: 4, a: 4},
    );
    assert.deepEqual(
      dep.status.conditions.map((x: J) => `${x.type}=${x.status}/${x.reason}`),
      ['Available=True/MinimumReplicasAvailable', 'Progressing=True/NewReplicaSetAvailable'],
    );
    assert.equal(dep.status.conditions[1].message, `ReplicaSet "${rs[1]!.metadata.name}" has successfully progressed.`);
    const scaling = c.eventsFor(dep).filter((e) => e.startsWith('ScalingReplicaSet'));
    assert.equal(scaling[0], `ScalingReplicaSet: Scaled up replica set ${rs[0]!.metadata.name} from 0 to 4`);
    assert.ok(scaling.includes(`ScalingReplicaSet: Scaled up replica set ${rs[1]!.metadata.name} from 0 to 1`));
    c.rt.dispose();
  });

  it('recreates: old pods gone before new ones start', async () => {
    const c = await manualCluster();
    c.create(c.kinds.deployments, deploymentManifest('db', {replicas: 2, strategy: {type: 'Recreate'}}));
    c.advance(2000);
    let overlap = false;
    const sub = c.store.watch(() => {
      const hashes = new Set(
        c.list(c.kinds.pods, 'default', 'app=db').map((p) => p.metadata.labels['pod-template-hash']),
      );
      if (hashes.size > 1) overlap = true;
    });
    const d = c.get(c.kinds.deployments, 'default', 'db')!;
    d.spec.template.spec.containers[0].image = 'nginx:1.28';
    c.store.update(c.kinds.deployments, d as never);
    c.advance(5000);
    sub.dispose();
    assert.equal(overlap, false);
    assert.equal(
      c
        .list(c.kinds.pods, 'default', 'app=db')
        .filter((p) => isPodReady(p) && p.spec.containers[0].image === 'nginx:1.28').length,
      2,
    );
    c.rt.dispose();
  });

  it('never touches pods it does not control', async () => {
    const c = await manualCluster();
    c.create(c.kinds.pods, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {name: 'stray', namespace: 'default', labels: {app: 'web'}},
      spec: {containers: [{name: 'c', image: 'nginx:1.27'}]},
    });
    c.create(c.kinds.deployments, deploymentManifest('web', {replicas: 2}));
    c.advance(3000);
    const pods = c.list(c.kinds.pods, 'default', 'app=web');
    assert.equal(pods.length, 3);
    assert.equal(c.get(c.kinds.pods, 'default', 'stray')!.metadata.ownerReferences, undefined);
    c.rt.dispose();
  });

  it('creates StatefulSet pods in order, each after the previous is Ready', async () => {
    const c = await manualCluster();
    c.create(c.kinds.statefulsets, {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: {name: 'db', namespace: 'default'},
      spec: {
        replicas: 3,
        serviceName: 'db',
        selector: {matchLabels: {app: 'db'}},
        template: {metadata: {labels: {app: 'db'}}, spec: {containers: [{name: 'db', image: 'redis:7'}]}},
      },
    });
    c.advance(0);
    assert.deepEqual(
      c.list(c.kinds.pods, 'default').map((p) => p.metadata.name),
      ['db-0'],
    );
    c.advance(TIMINGS.schedule + TIMINGS.podAdmit + TIMINGS.imagePull);
    assert.deepEqual(
      c.list(c.kinds.pods, 'default').map((p) => p.metadata.name),
      ['db-0', 'db-1'],
    );
    c.advance(5000);
    const sts = c.get(c.kinds.statefulsets, 'default', 'db')!;
    assert.equal(sts.status.readyReplicas, 3);
    assert.equal(sts.status.currentRevision, sts.status.updateRevision);
    assert.equal(c.get(c.kinds.pods, 'default', 'db-2')!.spec.hostname, 'db-2');
    c.rt.dispose();
  });

  it('runs a Job with parallelism to its completions, then marks it Complete', async () => {
    const c = await manualCluster();
    const job = c.create(c.kinds.jobs, {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {name: 'batch', namespace: 'default'},
      spec: {
        completions: 3,
        parallelism: 2,
        template: {spec: {restartPolicy: 'Never', containers: [{name: 'w', image: 'busybox:1.36'}]}},
      },
    });
    c.advance(0);
    assert.equal(c.list(c.kinds.pods, 'default').length, 2);
    c.advance(10_000);
    const done = c.get(c.kinds.jobs, 'default', 'batch')!;
    assert.equal(done.status.succeeded, 3);
    assert.equal(done.status.conditions.find((x: J) => x.type === 'Complete').status, 'True');
    assert.ok(done.status.completionTime);
    assert.deepEqual(done.spec.selector, {matchLabels: {'batch.kubernetes.io/controller-uid': job.metadata.uid}});
    assert.equal(c.list(c.kinds.pods, 'default', 'job-name=batch').length, 3);
    assert.ok(c.eventsFor(done).includes('Completed: Job completed'));
    c.rt.dispose();
  });

  it('puts a DaemonSet pod on each eligible node and rolls it node by node', async () => {
    const c = await manualCluster();
    const ds = c.create(c.kinds.daemonsets, {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: {name: 'agent', namespace: 'kube-system'},
      spec: {
        selector: {matchLabels: {app: 'agent'}},
        template: {
          metadata: {labels: {app: 'agent'}},
          spec: {
            nodeSelector: {'node-role.kubernetes.io/master': 'true'},
            containers: [{name: 'a', image: 'busybox:1.36'}],
          },
        },
      },
    });
    c.advance(2000);
    let pods = c.list(c.kinds.pods, 'kube-system', 'app=agent');
    assert.deepEqual(
      pods.map((p) => p.spec.nodeName),
      ['k3d-lab-server-0'],
    );
    const fresh = c.get(c.kinds.daemonsets, 'kube-system', 'agent')!;
    fresh.spec.template.spec.nodeSelector = {};
    c.store.update(c.kinds.daemonsets, fresh as never);
    c.advance(10_000);
    pods = c.list(c.kinds.pods, 'kube-system', 'app=agent');
    assert.equal(pods.length, 5);
    const st = c.get(c.kinds.daemonsets, 'kube-system', 'agent')!.status;
    assert.deepEqual(
      [st.desiredNumberScheduled, st.currentNumberScheduled, st.numberReady, st.updatedNumberScheduled],
      [5, 5, 5, 5],
    );
    void ds;
    c.rt.dispose();
  });
});

describe('ServiceLB (klipper-lb)', () => {
  it('publishes node IPs for a LoadBalancer, and leaves a second one on the same port pending (hostPort taken)', async () => {
    const c = await manualCluster({agents: 1});
    const lb = (name: string) =>
      c.create(c.kinds.services, {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {name, namespace: 'default'},
        spec: {type: 'LoadBalancer', selector: {app: name}, ports: [{name: 'http', port: 80}]},
      });
    const first = lb('gw');
    c.advance(3000);
    assert.deepEqual(c.get(c.kinds.services, 'default', 'gw')!.status.loadBalancer.ingress, [
      {ip: '172.18.0.2', ipMode: 'VIP'},
      {ip: '172.18.0.3', ipMode: 'VIP'},
    ]);
    const ds = c.list(c.kinds.daemonsets, 'kube-system').find((d) => d.metadata.name.startsWith('svclb-gw-'))!;
    assert.equal(ds.metadata.name, `svclb-gw-${first.metadata.uid.slice(0, 8)}`);
    lb('other');
    c.advance(3000);
    assert.deepEqual(c.get(c.kinds.services, 'default', 'other')!.status.loadBalancer, {});
    const pending = c.list(c.kinds.pods, 'kube-system').filter((p) => p.metadata.name.startsWith('svclb-other-'));
    assert.equal(pending.length, 2);
    const cond = pending[0]!.status.conditions.find((x: J) => x.type === 'PodScheduled');
    assert.match(cond.message, /1 node\(s\) didn't have free ports for the requested pod ports/);
    c.store.delete(c.kinds.services, 'default', 'gw');
    c.advance(3000);
    assert.equal(
      c.list(c.kinds.daemonsets, 'kube-system').filter((d) => d.metadata.name.startsWith('svclb-gw-')).length,
      0,
    );
    assert.equal(
      c.get(c.kinds.services, 'default', 'other')!.status.loadBalancer.ingress.length,
      2,
      'the port is free again',
    );
    c.rt.dispose();
  });
});

describe('local-path volumes', () => {
  it('binds StatefulSet claims on first use, pins the volume to the node and brings a replaced pod back there', async () => {
    const c = await manualCluster();
    c.advance(2000);
    c.create(c.kinds.statefulsets, {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: {name: 'db', namespace: 'default'},
      spec: {
        replicas: 2,
        serviceName: 'db',
        selector: {matchLabels: {app: 'db'}},
        template: {
          metadata: {labels: {app: 'db'}},
          spec: {containers: [{name: 'db', image: 'redis:7', volumeMounts: [{name: 'data', mountPath: '/data'}]}]},
        },
        volumeClaimTemplates: [
          {metadata: {name: 'data'}, spec: {accessModes: ['ReadWriteOnce'], resources: {requests: {storage: '1Gi'}}}},
        ],
      },
    });
    c.advance(5000);
    const pvc = c.get(c.kinds.persistentvolumeclaims, 'default', 'data-db-0')!;
    assert.equal(pvc.status.phase, 'Bound');
    assert.equal(pvc.spec.storageClassName, 'local-path');
    const pod = c.get(c.kinds.pods, 'default', 'db-0')!;
    assert.ok(isPodReady(pod));
    const pv = c.get(c.kinds.persistentvolumes, undefined, pvc.spec.volumeName)!;
    assert.equal(pv.metadata.name, `pvc-${pvc.metadata.uid}`);
    assert.deepEqual(pv.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values, [
      pod.spec.nodeName,
    ]);
    assert.ok(c.eventsFor(pvc).includes(`ProvisioningSucceeded: Successfully provisioned volume ${pv.metadata.name}`));
    // load the volume's node most, so only the volume's node affinity can bring db-0 back there
    c.create(
      c.kinds.deployments,
      deploymentManifest('filler', {
        replicas: 6,
        podSpec: {nodeSelector: {'kubernetes.io/hostname': pod.spec.nodeName}},
      }),
    );
    c.advance(2000);
    c.store.delete(c.kinds.pods, 'default', 'db-0');
    c.advance(3000);
    assert.equal(c.get(c.kinds.pods, 'default', 'db-0')!.spec.nodeName, pod.spec.nodeName);
    c.store.delete(c.kinds.persistentvolumeclaims, 'default', 'data-db-1');
    c.advance(10);
    assert.equal(c.list(c.kinds.persistentvolumes).length, 1, 'reclaimPolicy Delete removes the volume with its claim');
    c.rt.dispose();
  });

  it('does not schedule a pod whose claim does not exist', async () => {
    const c = await manualCluster();
    c.create(c.kinds.pods, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {name: 'p', namespace: 'default'},
      spec: {
        volumes: [{name: 'v', persistentVolumeClaim: {claimName: 'nope'}}],
        containers: [{name: 'c', image: 'nginx:1.27'}],
      },
    });
    c.advance(500);
    const p = c.get(c.kinds.pods, 'default', 'p')!;
    assert.match(p.status.conditions[0].message, /persistentvolumeclaim "nope" not found/);
    c.rt.dispose();
  });
});

describe('services and namespaces', () => {
  it('keeps Endpoints in sync: not-ready pods apart, named target ports resolved, selector-less services left alone', async () => {
    const c = await manualCluster();
    c.create(
      c.kinds.deployments,
      deploymentManifest('api', {
        replicas: 2,
        podSpec: {
          containers: [
            {
              name: 'api',
              image: 'nginx:1.27',
              ports: [{name: 'http', containerPort: 8080}],
              readinessProbe: {httpGet: {path: '/', port: 8080}},
            },
          ],
        },
      }),
    );
    c.create(c.kinds.services, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {name: 'api', namespace: 'default'},
      spec: {selector: {app: 'api'}, ports: [{name: 'web', port: 80, targetPort: 'http'}]},
    });
    c.create(c.kinds.services, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {name: 'manual', namespace: 'default'},
      spec: {ports: [{port: 80}]},
    });
    c.advance(TIMINGS.schedule + TIMINGS.podAdmit + TIMINGS.imagePull);
    let ep = c.get(c.kinds.endpoints, 'default', 'api')!;
    assert.equal(ep.subsets[0].notReadyAddresses.length, 2);
    assert.deepEqual(ep.subsets[0].ports, [{name: 'web', port: 8080, protocol: 'TCP'}]);
    c.advance(TIMINGS.readinessProbe);
    ep = c.get(c.kinds.endpoints, 'default', 'api')!;
    assert.equal(ep.subsets[0].addresses.length, 2);
    assert.equal(ep.subsets[0].addresses[0].targetRef.kind, 'Pod');
    const slice = c.list(c.kinds.endpointslices, 'default', 'kubernetes.io/service-name=api')[0]!;
    assert.deepEqual(
      slice.endpoints.map((e: J) => e.conditions.ready),
      [true, true],
    );
    assert.equal(c.get(c.kinds.endpoints, 'default', 'manual'), undefined);
    c.store.delete(c.kinds.services, 'default', 'api');
    c.advance(10);
    assert.equal(c.get(c.kinds.endpoints, 'default', 'api'), undefined);
    c.rt.dispose();
  });

  it('gives every namespace a default ServiceAccount and kube-root-ca.crt, and puts them back when deleted', async () => {
    const c = await manualCluster();
    c.create(c.kinds.namespaces, {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'team'}});
    c.advance(0);
    assert.ok(c.get(c.kinds.serviceaccounts, 'team', 'default'));
    const ca = c.get(c.kinds.configmaps, 'team', 'kube-root-ca.crt')!;
    assert.equal(ca.data['ca.crt'], c.get(c.kinds.configmaps, 'default', 'kube-root-ca.crt')!.data['ca.crt']);
    c.store.delete(c.kinds.serviceaccounts, 'team', 'default');
    c.advance(0);
    assert.ok(c.get(c.kinds.serviceaccounts, 'team', 'default'));
    c.rt.dispose();
  });
});

describe('stop, start and resume', () => {
  it('pauses on stop (nodes NotReady, nothing scheduled) and catches up on start', async () => {
    const c = await manualCluster();
    c.advance(2000);
    c.rt.stop();
    assert.equal(c.rt.running, false);
    const node = c.get(c.kinds.nodes, undefined, 'k3d-lab-agent-0')!;
    assert.equal(node.status.conditions.find((x: J) => x.type === 'Ready').status, 'Unknown');
    c.create(c.kinds.deployments, deploymentManifest('later'));
    c.advance(3000);
    assert.equal(c.list(c.kinds.pods, 'default').length, 0);
    const coredns = c.list(c.kinds.pods, 'kube-system', 'k8s-app=kube-dns')[0]!;
    c.rt.start();
    const restarting = c.get(c.kinds.pods, 'kube-system', coredns.metadata.name)!;
    assert.equal(isPodReady(restarting), false);
    assert.equal(restarting.status.containerStatuses[0].restartCount, 1);
    assert.equal(restarting.status.containerStatuses[0].lastState.terminated.exitCode, 255);
    c.advance(2000);
    assert.equal(c.list(c.kinds.pods, 'default').filter(isPodReady).length, 1);
    const back = c.get(c.kinds.pods, 'kube-system', coredns.metadata.name)!;
    assert.ok(isPodReady(back));
    assert.equal(back.status.podIP, coredns.status.podIP);
    assert.notEqual(back.status.containerStatuses[0].containerID, coredns.status.containerStatuses[0].containerID);
    assert.ok(c.eventsFor(back).includes('SandboxChanged: Pod sandbox changed, it will be killed and re-created.'));
    c.rt.dispose();
  });

  it('resumes from a saved snapshot without duplicating anything', async () => {
    const clock = new ManualClock();
    const c = await manualCluster({}, undefined, clock);
    c.create(c.kinds.deployments, deploymentManifest('web', {replicas: 3}));
    c.create(c.kinds.deployments, deploymentManifest('half', {replicas: 2}));
    c.advance(2000);
    c.create(c.kinds.deployments, deploymentManifest('mid', {replicas: 2}));
    c.advance(TIMINGS.schedule + 10); // mid's pods are bound but not started when the lab goes down
    const snap = c.store.snapshot();
    c.rt.dispose();
    const store = new ObjectStore({clock, gracefulPodDeletion: true});
    store.restore(snap);
    const names = (s: ObjectStore, r: string, g = '') =>
      s
        .list(s.types.lookup(g, 'v1', r)!)
        .items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)
        .sort();
    const before = {pods: names(store, 'pods'), rs: names(store, 'replicasets', 'apps'), nodes: names(store, 'nodes')};
    const r = wrap(store, clock, resumeCluster({store}, walkthroughSpec('lab'), {clock}));
    r.advance(3000);
    assert.deepEqual(
      {pods: names(store, 'pods'), rs: names(store, 'replicasets', 'apps'), nodes: names(store, 'nodes')},
      before,
    );
    assert.ok(r.list(r.kinds.pods).every((p) => p.status.phase === 'Succeeded' || isPodReady(p)));
    const ips = r.list(r.kinds.pods).map((p) => p.status.podIP);
    assert.equal(new Set(ips).size, ips.length, 'no pod IP handed out twice');
    r.rt.dispose();
  });
});

describe('WorkQueue', () => {
  it('de-duplicates keys and retries failures with backoff on the injected clock', () => {
    const clock = new ManualClock();
    const seen: string[] = [];
    let fail = 2;
    const q = new WorkQueue(clock, (k) => {
      seen.push(k);
      if (k === 'b' && fail-- > 0) throw new Error('conflict');
    });
    q.add('a');
    q.add('a');
    q.add('b');
    clock.advance(0);
    assert.deepEqual(seen, ['a', 'b']);
    clock.advance(TIMINGS.retryBase);
    assert.deepEqual(seen, ['a', 'b', 'b']);
    clock.advance(TIMINGS.retryBase * 2);
    assert.deepEqual(seen, ['a', 'b', 'b', 'b']);
    q.pause();
    q.add('c');
    clock.advance(1000);
    assert.equal(seen.length, 4);
    q.resume();
    clock.advance(0);
    assert.deepEqual(seen.slice(4), ['c']);
    q.dispose();
    assert.equal(clock.pending, 0);
  });
});

describe('pod stages (golden)', () => {
  it('a pod from admission to Ready, then deleted: every status change and event with its time', async () => {
    const c = await manualCluster();
    c.advance(3000);
    const t0 = c.clock.now().getTime();
    const lines: string[] = [];
    const at = () => `+${String(c.clock.now().getTime() - t0).padStart(5)}ms`;
    const sub = c.store.watch((e) => {
      const o = e.object as J;
      if (e.resource.resource === 'events' && o.involvedObject?.name === 'web') {
        if (e.type === 'ADDED') lines.push(`${at()} event ${o.type} ${o.reason}: ${o.message}`);
      } else if (e.resource.resource === 'pods' && o.metadata.name === 'web') {
        const cs = (o.status?.containerStatuses ?? []) as J[];
        const state = cs.map((s) => `${s.name}=${Object.keys(s.state ?? {})[0]}${s.ready ? '+ready' : ''}`).join(',');
        const conds = ((o.status?.conditions ?? []) as J[]).map((x) => `${x.type}=${x.status}`).join(',');
        const node = o.spec?.nodeName ? ` node=${o.spec.nodeName}` : '';
        const gone = o.metadata.deletionTimestamp ? ' terminating' : '';
        lines.push(`${at()} ${e.type} phase=${o.status?.phase}${node}${gone} [${conds}] ${state}`.trimEnd());
      }
    });
    c.create(c.kinds.pods, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {name: 'web', namespace: 'default'},
      spec: {
        nodeSelector: {'kubernetes.io/hostname': 'k3d-lab-agent-1'},
        containers: [{name: 'web', image: 'nginx:1.27'}],
      },
    });
    for (let i = 0; i < 40; i++) c.advance(50);
    c.store.delete(c.kinds.pods, 'default', 'web');
    for (let i = 0; i < 40; i++) c.advance(50);
    sub.dispose();
    c.rt.dispose();
    matchGolden(new URL('../fixtures/sandbox-cluster/pod-stages.golden.txt', import.meta.url), lines.join('\n') + '\n');
  });
});

describe('the garbage collector', () => {
  it('answers the delete of a big Deployment at once and collects its ReplicaSet and pods in batches afterwards', async () => {
    const c = await manualCluster();
    c.create(c.kinds.deployments, deploymentManifest('big', {replicas: 300}));
    // 30 at once, then 20 a second (the ReplicaSet controller's client)
    c.advance(15_000);
    assert.equal(c.list(c.kinds.pods, 'default', 'app=big').length, 300);
    const turnsBefore = c.list(c.kinds.replicasets, 'default').length;
    assert.equal(turnsBefore, 1);
    c.store.delete(c.kinds.deployments, 'default', 'big');
    // the DELETE itself touched only the Deployment: the ReplicaSet and its pods are still there, not terminating
    assert.equal(c.list(c.kinds.replicasets, 'default').length, 1);
    assert.ok(c.list(c.kinds.pods, 'default', 'app=big').every((p) => !p.metadata.deletionTimestamp));
    c.advance(0);
    assert.equal(c.list(c.kinds.replicasets, 'default').length, 0, 'the ReplicaSet is collected first');
    // then its pods, through the collector's client: what is left of its burst of 30, then 20 a second
    const going = () => c.list(c.kinds.pods, 'default', 'app=big').filter((p) => p.metadata.deletionTimestamp).length;
    const goneOrGoing = () => 300 - c.list(c.kinds.pods, 'default', 'app=big').length + going();
    // the ReplicaSet took one token of the burst
    assert.equal(goneOrGoing(), 29);
    c.advance(1000);
    assert.equal(goneOrGoing(), 49);
    c.advance(1000);
    assert.equal(goneOrGoing(), 69);
    c.advance(60_000);
    assert.equal(c.list(c.kinds.pods, 'default', 'app=big').length, 0, 'then its pods, through their kubelets');
    c.rt.dispose();
  });

  it('keeps a dependent another owner still holds, dropping only the gone owner’s reference', async () => {
    const c = await manualCluster();
    const cm = (name: string) =>
      c.create(c.kinds.configmaps, {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name, namespace: 'default'}});
    const a = cm('owner-a');
    const b = cm('owner-b');
    const ref = (o: J) => ({apiVersion: 'v1', kind: 'ConfigMap', name: o.metadata.name, uid: o.metadata.uid});
    c.create(c.kinds.configmaps, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {name: 'shared', namespace: 'default', ownerReferences: [ref(a), ref(b)]},
    });
    c.create(c.kinds.configmaps, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {name: 'only-a', namespace: 'default', ownerReferences: [ref(a)]},
    });
    c.store.delete(c.kinds.configmaps, 'default', 'owner-a');
    c.advance(0);
    assert.equal(c.get(c.kinds.configmaps, 'default', 'only-a'), undefined);
    const shared = c.get(c.kinds.configmaps, 'default', 'shared')!;
    assert.deepEqual(
      shared.metadata.ownerReferences.map((r: J) => r.name),
      ['owner-b'],
    );
    c.rt.dispose();
  });

  it('collects after a restart what an owner deleted while the collector was away left behind', async () => {
    const clock = new ManualClock();
    const store = new ObjectStore({clock, gracefulPodDeletion: true, backgroundCollection: true});
    seedFreshCluster(store);
    const first = await manualCluster({}, store, clock);
    first.create(first.kinds.deployments, deploymentManifest('web', {replicas: 2}));
    first.advance(5000);
    first.rt.dispose();
    store.delete(first.kinds.deployments, 'default', 'web');
    clock.advance(1000);
    assert.equal(first.list(first.kinds.replicasets, 'default').length, 1, 'no collector ran');
    const again = wrap(store, clock, resumeCluster({store}, walkthroughSpec('lab'), {clock}));
    again.advance(60_000);
    assert.equal(again.list(again.kinds.replicasets, 'default').length, 0);
    assert.equal(again.list(again.kinds.pods, 'default', 'app=web').length, 0);
    again.rt.dispose();
  });
});
