import type {PodView} from '../pod-view';

/** A header list in the order sent; names keep the sender's case (curl's -v shows them as sent). */
export type HeaderList = [string, string][];

export interface NetworkRequest {
  fromPod: PodView;
  /** the container the request starts in */
  fromContainer?: string;
  method: string;
  /** absolute: http://httpbin.foo:8000/get?x=1 */
  url: string;
  headers: HeaderList;
  body?: Buffer;
  timeoutMs: number;
}

export interface NetworkResponse {
  status: number;
  /** the reason phrase of the status line ("OK", "I'm a teapot") */
  statusText: string;
  /** "HTTP/1.1" */
  httpVersion: string;
  headers: HeaderList;
  body: Buffer;
  /** the address the client connected to (curl -v "Connected to …") */
  remoteIp: string;
  remotePort: number;
}

export type NetworkErrorKind = 'connect-refused' | 'reset' | 'timeout' | 'dns';

export interface NetworkError {
  error: NetworkErrorKind;
  /** where it failed, for curl's message ("Could not resolve host: x", "Failed to connect to x port 80") */
  host: string;
  port: number;
  ip?: string;
}

export type NetworkResult = NetworkResponse | NetworkError;

export const isNetworkError = (r: NetworkResult): r is NetworkError => 'error' in r;

/**
 * How a request from inside a pod reaches its destination. The default model goes straight to the backing pod's
 * app; the mesh wraps it with the sidecar/ztunnel/waypoint path, policies, routes and access logs.
 */
export interface NetworkModel {
  request(req: NetworkRequest): Promise<NetworkResult>;
}
