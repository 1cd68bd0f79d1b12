import type {HeaderList} from './routing';

/**
 * Which headers each kind of hop adds, as data. ztunnel is L4 and
 * adds nothing. Lines marked "inferred" are not shown verbatim by the sources and follow from Envoy's behaviour.
 */
export interface PathShape {
  clientSidecar: boolean;
  waypoint: boolean;
  serverSidecar: boolean;
  /** the destination is in the mesh (sidecar or ambient): peer metadata travels in the TLS/HBONE handshake */
  destinationInMesh: boolean;
  /** the waypoint Gateway opts in to a synthesized XFCC (`ambient.istio.io/xfcc-include-client-identity: "true"`, 1.30) */
  waypointXfcc?: boolean;
}

export interface HeaderContext {
  requestId: string;
  clientIdentity?: string;
  serverIdentity?: string;
  /** for X-Envoy-Peer-Metadata-Id: "sidecar~10.42.0.7~curl-xyz.foo~foo.svc.cluster.local" */
  peerMetadataId?: string;
  peerMetadata?: string;
  /** the hex SHA-256 of the client certificate, for XFCC's Hash */
  certHash: string;
  /** the route's decorator, `<service FQDN>:<port>/*`: a client sidecar sends it as X-Envoy-Decorator-Operation */
  decoratorOperation?: string;
}

/** the headers the app receives in addition to what the client sent */
export function addedRequestHeaders(p: PathShape, c: HeaderContext): HeaderList {
  const out: HeaderList = [];
  const envoy = p.clientSidecar || p.waypoint || p.serverSidecar;
  if (!envoy) return out; // ztunnel only: Accept, Host, User-Agent as sent
  // the client-side Envoy's router: attempt count, request id, scheme
  if (p.clientSidecar || p.waypoint) out.push(['x-envoy-attempt-count', '1']);
  out.push(['x-forwarded-proto', 'http']);
  out.push(['x-request-id', c.requestId]);
  // the server sidecar forwards the client certificate's details (SANITIZE_SET / APPEND_FORWARD); a waypoint
  // sanitizes XFCC unless the Gateway opts in
  if ((p.serverSidecar && c.clientIdentity) || (p.waypoint && p.waypointXfcc && c.clientIdentity))
    out.push([
      'x-forwarded-client-cert',
      `By=${c.serverIdentity ?? ''};Hash=${c.certHash};Subject="";URI=${c.clientIdentity}`,
    ]);
  // A client sidecar sends its route's decorator and its metadata as headers on every request; a server sidecar
  // takes them off (sidecar-to-sidecar transcripts show neither), but ztunnel never touches HTTP, so an ambient
  // destination reached straight from a sidecar sees them (the source post, Istio 1.23: sleep -> httpbin in bar-1).
  // Behind a waypoint the app sees the waypoint's request instead (inferred: no transcript of it).
  const sidecarReachesApp = p.clientSidecar && !p.waypoint && !p.serverSidecar;
  if (sidecarReachesApp && c.decoratorOperation) out.push(['x-envoy-decorator-operation', c.decoratorOperation]);
  if ((sidecarReachesApp || (p.waypoint && !p.destinationInMesh)) && c.peerMetadata && c.peerMetadataId) {
    out.push(['x-envoy-peer-metadata', c.peerMetadata]);
    out.push(['x-envoy-peer-metadata-id', c.peerMetadataId]);
  }
  return out;
}

/**
 * What the client sees of the response: Envoy on the client side (its sidecar, else the waypoint) rewrites it —
 * HTTP/1 header names in lower case, hop-by-hop headers dropped, `server` overwritten (sidecar: "envoy"; waypoint:
 * "istio-envoy", inferred), and `x-envoy-upstream-service-time` appended.
 */
export function clientVisibleResponseHeaders(
  p: PathShape,
  upstream: HeaderList,
  upstreamServiceTimeMs: number,
): HeaderList {
  if (!p.clientSidecar && !p.waypoint) return upstream;
  const server = p.clientSidecar ? 'envoy' : 'istio-envoy';
  const out: HeaderList = upstream
    .filter(([k]) => !['connection', 'keep-alive', 'transfer-encoding'].includes(k.toLowerCase()))
    .map(([k, v]) => [k.toLowerCase(), v]);
  out.push(['x-envoy-upstream-service-time', String(upstreamServiceTimeMs)]);
  // an upstream `server` is overwritten where it stands; without one Envoy adds it last (a sidecar's curl -v:
  // `x-envoy-upstream-service-time: 0` then `server: envoy`, tests/fixtures/real/curl-sidecar-response-headers.txt)
  const i = out.findIndex(([k]) => k === 'server');
  if (i >= 0) out[i] = ['server', server];
  else out.push(['server', server]);
  return out;
}

/** Envoy's own answers (local replies): RBAC denials, no route, no healthy upstream */
export function envoyLocalReply(
  status: number,
  body: string,
  date: string,
  sidecar: boolean,
): {headers: HeaderList; body: string} {
  const headers: HeaderList = body
    ? [
        ['content-length', String(Buffer.byteLength(body))],
        ['content-type', 'text/plain'],
      ]
    : [['content-length', '0']];
  return {headers: [...headers, ['date', date], ['server', sidecar ? 'envoy' : 'istio-envoy']], body};
}
