import type {AppHandler, AppRequest, AppResponse} from './app';
import {httpDate} from './app';

/**
 * The proxies' Prometheus endpoints. ztunnel (port 15020) serves `/metrics` (and `/stats/prometheus`) in the
 * OpenMetrics text format of the Rust prometheus-client, ending in `# EOF`, with an `istio_build` info series;
 * pilot-agent (15020, merged) and Envoy (15090) serve `/stats/prometheus` in the Prometheus text format. The series
 * are the pod's counters (runtime/metrics), which the mesh adds to as it carries traffic.
 */
const notFound = (now: Date): AppResponse => ({
  status: 404,
  statusText: 'Not Found',
  headers: [
    ['content-length', '0'],
    ['date', httpDate(now)],
  ],
  body: '',
});

const text = (now: Date, body: string, contentType: string): AppResponse => ({
  status: 200,
  statusText: 'OK',
  headers: [
    ['content-type', contentType],
    ['content-length', String(Buffer.byteLength(body))],
    ['date', httpDate(now)],
  ],
  body,
});

const tagOf = (req: AppRequest) =>
  /:([^:@/]+)$/.exec(req.pod.containers.find((c) => /ztunnel/.test(c.image))?.image ?? '')?.[1] ?? 'unknown';

export const ztunnelStats: AppHandler = async (req) => {
  const path = req.target.split('?')[0];
  if (req.method !== 'GET' || (path !== '/metrics' && path !== '/stats/prometheus')) return notFound(req.now);
  const body = [
    '# HELP istio_build Istio component build info.',
    '# TYPE istio_build gauge',
    `istio_build{component="ztunnel",tag="${tagOf(req)}"} 1`,
    (req.metrics?.({openMetrics: true}) ?? '').trimEnd(),
    '# EOF',
    '',
  ]
    .filter((l, i, a) => l !== '' || i === a.length - 1)
    .join('\n');
  return text(req.now, body, 'application/openmetrics-text; version=1.0.0; charset=utf-8');
};

export const envoyStats: AppHandler = async (req) => {
  const path = req.target.split('?')[0];
  if (req.method !== 'GET' || path !== '/stats/prometheus') return notFound(req.now);
  return text(req.now, req.metrics?.() ?? '', 'text/plain; version=0.0.4; charset=utf-8');
};
