import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {humanDuration} from '../../server/backends/sandbox/api/human-duration';
import {toTable} from '../../server/backends/sandbox/api/table';
import {TypeRegistry} from '../../server/backends/sandbox/api/type-registry';
import type {KubeObject} from '../../server/backends/sandbox/api/types';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe('humanDuration (apimachinery rules)', () => {
  const cases: [number, string][] = [
    [-2 * s, '<invalid>'],
    [-500, '0s'],
    [0, '0s'],
    [5 * s, '5s'],
    [119 * s, '119s'],
    [2 * m, '2m'],
    [3 * m + 12 * s, '3m12s'],
    [10 * m + 5 * s, '10m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [5 * h + 30 * m, '5h30m'],
    [8 * h, '8h'],
    [47 * h, '47h'],
    [2 * d, '2d'],
    [3 * d + 4 * h, '3d4h'],
    [8 * d, '8d'],
    [400 * d, '400d'],
    [800 * d, '2y70d'],
    [365 * 9 * d, '9y'],
  ];
  for (const [ms, text] of cases) it(`${ms}ms → ${text}`, () => assert.equal(humanDuration(ms), text));
});

describe('server-side tables', () => {
  const types = new TypeRegistry();
  const now = new Date('2025-01-23T00:10:00Z');
  const created = '2025-01-23T00:00:00Z';

  it('prints pods like the API server: READY, STATUS from container states, RESTARTS with last restart, wide columns', () => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {name: 'web-1', namespace: 'foo', creationTimestamp: created},
      spec: {nodeName: 'k3d-lab-agent-0', containers: [{name: 'a'}, {name: 'b'}]},
      status: {
        phase: 'Running',
        podIP: '10.42.1.5',
        conditions: [{type: 'Ready', status: 'False'}],
        containerStatuses: [
          {name: 'a', ready: true, restartCount: 0, state: {running: {}}},
          {
            name: 'b',
            ready: false,
            restartCount: 2,
            state: {waiting: {reason: 'CrashLoopBackOff'}},
            lastState: {terminated: {finishedAt: '2025-01-23T00:09:30Z'}},
          },
        ],
      },
    };
    const t = toTable(types.lookup('', 'v1', 'pods')!, [pod], {now});
    assert.deepEqual(
      t.columnDefinitions.map((c) => `${c.name}${c.priority ? '*' : ''}`),
      ['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP*', 'Node*', 'Nominated Node*', 'Readiness Gates*'],
    );
    assert.deepEqual(t.rows[0]!.cells, [
      'web-1',
      '1/2',
      'CrashLoopBackOff',
      '2 (30s ago)',
      '10m',
      '10.42.1.5',
      'k3d-lab-agent-0',
      '<none>',
      '<none>',
    ]);
    assert.deepEqual(t.rows[0]!.object, {
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: pod.metadata,
    });
    const terminating = toTable(
      types.lookup('', 'v1', 'pods')!,
      [{...pod, metadata: {...pod.metadata, deletionTimestamp: created}}],
      {now},
    );
    assert.equal(terminating.rows[0]!.cells[2], 'Terminating');
  });

  it('prints services with ports and external IPs by type, and nodes with roles', () => {
    const svc = (spec: object, status: object = {}): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {name: 's', creationTimestamp: created},
      spec,
      status,
    });
    const st = types.lookup('', 'v1', 'services')!;
    const lb = toTable(
      st,
      [
        svc(
          {
            type: 'LoadBalancer',
            clusterIP: '10.43.0.9',
            ports: [
              {port: 80, nodePort: 31000, protocol: 'TCP'},
              {port: 443, nodePort: 31001, protocol: 'TCP'},
            ],
          },
          {loadBalancer: {ingress: [{ip: '172.18.0.3'}]}},
        ),
      ],
      {now},
    );
    assert.deepEqual(lb.rows[0]!.cells.slice(1, 5), [
      'LoadBalancer',
      '10.43.0.9',
      '172.18.0.3',
      '80:31000/TCP,443:31001/TCP',
    ]);
    const pending = toTable(st, [svc({type: 'LoadBalancer', clusterIP: '10.43.0.9', ports: []})], {now});
    assert.deepEqual(pending.rows[0]!.cells.slice(3, 5), ['<pending>', '<none>']);
    const node: KubeObject = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: 'k3d-lab-server-0',
        creationTimestamp: created,
        labels: {'node-role.kubernetes.io/control-plane': 'true', 'node-role.kubernetes.io/master': 'true'},
      },
      status: {
        conditions: [{type: 'Ready', status: 'True'}],
        nodeInfo: {kubeletVersion: 'v1.31.5+k3s1'},
        addresses: [{type: 'InternalIP', address: '172.18.0.2'}],
      },
    };
    const nt = toTable(types.lookup('', 'v1', 'nodes')!, [node], {now});
    assert.deepEqual(nt.rows[0]!.cells.slice(0, 6), [
      'k3d-lab-server-0',
      'Ready',
      'control-plane,master',
      '10m',
      'v1.31.5+k3s1',
      '172.18.0.2',
    ]);
  });

  it('prints CRD additionalPrinterColumns through JSONPath, and NAME/CREATED AT for built-ins without a printer', () => {
    types.applyCrd({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: {name: 'gateways.gateway.networking.k8s.io'},
      spec: {
        group: 'gateway.networking.k8s.io',
        names: {plural: 'gateways', kind: 'Gateway'},
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            additionalPrinterColumns: [
              {name: 'Class', type: 'string', jsonPath: '.spec.gatewayClassName'},
              {name: 'Address', type: 'string', jsonPath: '.status.addresses[*].value'},
              {name: 'Programmed', type: 'string', jsonPath: '.status.conditions[?(@.type=="Programmed")].status'},
              {name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp'},
            ],
          },
        ],
      },
    });
    const gw: KubeObject = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: {name: 'waypoint', creationTimestamp: created},
      spec: {gatewayClassName: 'istio-waypoint'},
      status: {
        addresses: [{value: '10.43.1.1'}],
        conditions: [
          {type: 'Accepted', status: 'True'},
          {type: 'Programmed', status: 'True'},
        ],
      },
    };
    const t = toTable(types.lookup('gateway.networking.k8s.io', 'v1', 'gateways')!, [gw], {now});
    assert.deepEqual(
      t.columnDefinitions.map((c) => c.name),
      ['Name', 'Class', 'Address', 'Programmed', 'Age'],
    );
    assert.deepEqual(t.rows[0]!.cells, ['waypoint', 'istio-waypoint', '10.43.1.1', 'True', '10m']);
    const role = toTable(
      types.lookup('rbac.authorization.k8s.io', 'v1', 'roles')!,
      [{apiVersion: 'v1', kind: 'Role', metadata: {name: 'r', creationTimestamp: created}}],
      {now},
    );
    assert.deepEqual(role.rows[0]!.cells, ['r', created]);
  });
});
