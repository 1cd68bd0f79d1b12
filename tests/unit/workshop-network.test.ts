/**
 * Each attendee's shell has a network of its own, through the real server and real bubblewrap: both attendees run
 * the walkthrough's `k3d cluster create --api-port 6550 -p '9080:80@loadbalancer'` and each gets their own 9080 and
 * 6550 (their kubeconfig's https://0.0.0.0:6550 reaches their own cluster); both can listen on 127.0.0.1:8080 (a
 * port-forward) without colliding; neither reaches the other's ports nor the lab's own HTTP port.
 */
import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import type {LabServer} from '../../server/http/server';
import {probeIsolation} from '../../server/isolation/probe';
import type {PageManifest} from '../../src/core/steps/types';
import {startWorkshopTestLab, type WorkshopTestLab} from '../fixtures/workshop-lab';
import {ProtocolClient} from './ws-client';

const TOKEN = 'workshop-network-token-0123456789';
const PAGE: PageManifest = {
  pageId: 'first',
  locale: 'en',
  title: 'First',
  source: 'docs/first.mdx',
  steps: [
    // the lab's verify runs in the attendee's network: localhost:8080 is the attendee's own listener there
    {
      id: 'own-port',
      lang: 'bash',
      command: 'echo checking',
      timeoutMs: 60_000,
      exitCode: 0,
      expect: [],
      verify: {
        command: 'curl -s http://localhost:8080/',
        exitCode: 0,
        expect: [{kind: 'contains', pattern: 'from-ada'}],
        timeoutMs: 30_000,
      },
    },
  ],
};

const probe = probeIsolation();
const isolated = Boolean(probe.bwrap && probe.root);
if (!isolated && process.env.CI) throw new Error(`network isolation tests need bwrap and root on CI`);

/** a shell line printing `<label>=<http status>/rc=<curl exit>` for a URL (7: connection refused) */
const probeUrl = (label: string, url: string) =>
  `curl -s -o /dev/null --max-time 20 -w "${label}=%{http_code}" ${url}; echo "/rc=$?"`;

/** polls a URL until curl's exit code meets `cond` (the relay follows the bridge folder a moment after the lab) */
const settle = (url: string, cond: string) =>
  `for i in $(seq 100); do curl -s -o /dev/null --max-time 20 ${url}; [ $? ${cond} ] && break; sleep 0.1; done`;

function rcOf(output: string, label: string): number {
  const m = new RegExp(`${label}=\\d{3}/rc=(\\d+)`).exec(output);
  assert.ok(m, `no result for ${label} in:\n${output}`);
  return Number(m[1]);
}

describe('attendee networks', {skip: !isolated && 'needs root and bubblewrap'}, () => {
  let lab: LabServer;
  const origin = () => `http://127.0.0.1:${lab.port}`;
  const join = async (name: string) => {
    const res = await fetch(`${origin()}/api/workshop/join`, {
      method: 'POST',
      headers: {Origin: origin(), 'Content-Type': 'application/json'},
      body: JSON.stringify({code: lab.workshop!.code, name}),
    });
    assert.equal(res.status, 200);
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    const c = new ProtocolClient(lab.port, undefined, {headers: {Cookie: cookie}});
    await c.attach();
    return c;
  };
  /** types a line and waits for the marker the shell computes at its end */
  const run = async (c: ProtocolClient, line: string, marker: string) => {
    const [word, n] = marker.split(':') as [string, string];
    c.send({type: 'input', data: `${line}; echo ${word}-$((${n}+1))-done\r`});
    await c.outputMatches(new RegExp(`${word}-${Number(n) + 1}-done`));
  };

  let testLab: WorkshopTestLab | undefined;
  before(async () => {
    testLab = await startWorkshopTestLab({prefix: 'workshop-net-', token: TOKEN, page: PAGE, capacity: 4});
    ({lab} = testLab);
  });
  after(() => testLab?.close());

  it('gives each attendee their own published ports, API port and loopback, and nothing of the host', async () => {
    const a = await join('Ada');
    const b = await join('Bob');
    // the walkthrough's cluster, in both; Bob publishes 9443 too, which Ada must not see
    await run(
      a,
      `k3d cluster create one --api-port 6550 -p '9080:80@loadbalancer' >/dev/null 2>&1; kubectl cluster-info | head -1; kubectl get nodes -o name`,
      'ca:1',
    );
    await run(
      b,
      `k3d cluster create two --api-port 6550 -p '9080:80@loadbalancer' -p '9443:443@loadbalancer' >/dev/null 2>&1; kubectl get nodes -o name`,
      'cb:1',
    );
    // each kubeconfig says https://0.0.0.0:6550, and there each finds their own cluster
    assert.match(a.output, /control plane.* is running at .*https:\/\/0\.0\.0\.0:6550/);
    assert.match(a.output, /node\/k3d-one-server-0/);
    assert.match(b.output, /node\/k3d-two-server-0/);
    assert.doesNotMatch(b.output, /k3d-one/);

    await run(
      a,
      [
        settle('http://localhost:9080/', '-ne 7'),
        probeUrl('own9080', 'http://localhost:9080/'),
        probeUrl('v6own9080', 'http://[::1]:9080/'),
        probeUrl('bob9443', 'http://localhost:9443/'),
        probeUrl('labport', `http://127.0.0.1:${lab.port}/`),
      ].join('; '),
      'pa:2',
    );
    await run(
      b,
      [
        settle('http://localhost:9443/', '-ne 7'),
        probeUrl('own9080', 'http://localhost:9080/'),
        probeUrl('own9443', 'http://localhost:9443/'),
      ].join('; '),
      'pb:2',
    );
    // a published port answers (an HTTP status, or a closed connection when nothing routes there yet): not refused
    assert.notEqual(rcOf(a.output, 'own9080'), 7);
    assert.notEqual(rcOf(a.output, 'v6own9080'), 7);
    assert.notEqual(rcOf(b.output, 'own9080'), 7);
    assert.notEqual(rcOf(b.output, 'own9443'), 7);
    assert.equal(rcOf(a.output, 'bob9443'), 7, "another attendee's published port");
    assert.equal(rcOf(a.output, 'labport'), 7, "the lab's own HTTP port");

    // both forward 8080 on their own loopback (a port-forward's listener), each reaching their own
    const serve = (who: string) =>
      `node -e "require('http').createServer((q,r)=>r.end('from-${who}')).listen(8080,'127.0.0.1',()=>console.log('listening-'+(1+1)))" & `;
    await run(a, `${serve('ada')} sleep 0`, 'sa:3');
    await a.outputMatches(/listening-2/);
    await run(b, `${serve('bob')} sleep 0`, 'sb:3');
    await b.outputMatches(/listening-2/);
    await run(a, 'echo "got=$(curl -s localhost:8080)"', 'ga:4');
    await run(b, 'echo "got=$(curl -s localhost:8080)"', 'gb:4');
    assert.match(a.output, /got=from-ada/);
    assert.match(b.output, /got=from-bob/);
    assert.doesNotMatch(b.output, /EADDRINUSE/);
    a.send({type: 'page', locale: 'en', pageId: 'first'});
    const result = await a.runStep('en', 'first', 'own-port');
    assert.equal(result.status, 'passed', JSON.stringify(result));

    // a deleted cluster's ports go away inside too
    await run(
      a,
      `k3d cluster delete one >/dev/null 2>&1; ${settle('http://localhost:9080/', '-eq 7')}; ${probeUrl('gone9080', 'http://localhost:9080/')}`,
      'da:5',
    );
    assert.equal(rcOf(a.output, 'gone9080'), 7);
    a.close();
    b.close();
  });

  it("a cluster created without --api-port gets a port of its own inside the attendee's network; stop closes it", async () => {
    const c = await join('Cy');
    const server = `kubectl config view -o jsonpath='server={.clusters[0].cluster.server}{"\\n"}'`;
    await run(c, `k3d cluster create free >/dev/null 2>&1; ${server}; kubectl get nodes -o name`, 'fa:1');
    const m = /server=https:\/\/0\.0\.0\.0:(\d+)/.exec(c.output);
    assert.ok(m, c.output);
    assert.match(c.output, /node\/k3d-free-server-0/);
    // the relay lets the port go a moment after the lab closed it
    const until = (cond: string) => `for i in $(seq 100); do ${cond} && break; sleep 0.1; done`;
    await run(
      c,
      `k3d cluster stop free >/dev/null 2>&1; ${until('kubectl get nodes 2>&1 | grep -q refused')}; kubectl get nodes`,
      'fb:2',
    );
    assert.match(
      c.output,
      new RegExp(
        `The connection to the server 0\\.0\\.0\\.0:${m[1]} was refused - did you specify the right host or port\\?`,
      ),
    );
    await run(
      c,
      `k3d cluster start free >/dev/null 2>&1; ${until('kubectl get nodes >/dev/null 2>&1')}; echo "again=$(kubectl get nodes -o name)"`,
      'fc:3',
    );
    assert.match(c.output, /again=node\/k3d-free-server-0/);
    c.close();
  });
});
