import {describe, it} from 'node:test';
import {listOf} from '../../server/backends/sandbox/api/kinds';
import {matchGolden} from '../fixtures/golden/golden';
import {walkthrough} from '../fixtures/sandbox-mesh/walkthrough';

// Every access line the walkthrough's requests leave (ztunnels, sidecars, the waypoint, the apps), as a golden file:
// a change of format or of which hop logs shows as a diff. UPDATE_GOLDEN=1 rewrites it.
describe('access logs (golden)', () => {
  it("the walkthrough's requests: ztunnel, Envoy and app lines per hop", async () => {
    const w = walkthrough();
    try {
      const requests: [string, string, string][] = [
        ['foo', 'sleep-7656cf8794-lxcmx', 'http://httpbin.bar-1:8000/get'],
        ['bar-1', 'curl-5b549b49b8-x2x9k', 'http://httpbin.bar-1:8000/status/418'],
        ['foo', 'sleep-7656cf8794-lxcmx', 'http://helloworld.bar-2:5000/hello'],
        ['bar-1', 'curl-5b549b49b8-x2x9k', 'http://helloworld.bar-2:5000/hello'],
        ['plain', 'outsider', 'http://httpbin.bar-1:8000/headers'],
      ];
      for (const [ns, pod, url] of requests) {
        await w.curl(ns, pod, url);
        w.clock.advance(1000);
      }
      // cluster IPs are allocated at random: name them by their Service
      const ips = new Map(
        listOf(w.store, 'services').map((s) => [
          String((s.spec as {clusterIP?: string}).clusterIP),
          `<${s.metadata.name}-vip>`,
        ]),
      );
      const out: string[] = [];
      for (const p of listOf(w.store, 'pods'))
        for (const c of (p.spec as {containers: {name: string}[]}).containers) {
          const lines = w.logs(String(p.metadata.namespace), String(p.metadata.name), c.name);
          if (!lines.length) continue;
          out.push(`== ${p.metadata.namespace}/${p.metadata.name} ${c.name}`);
          for (const l of lines) out.push(l.replace(/10\.43\.\d+\.\d+/g, (ip) => ips.get(ip) ?? ip));
        }
      matchGolden(new URL('../fixtures/sandbox-mesh/access-logs.golden.txt', import.meta.url), out.join('\n') + '\n');
    } finally {
      w.dispose();
    }
  });
});
