import type {ImageSpec} from '../../images/types';
import type {PodView} from '../../pod-view';
import type {HeaderList} from '../network-model';

/** One HTTP request as the app in the destination pod receives it. */
export interface AppRequest {
  method: string;
  /** path and query, as on the request line: /get?x=1 */
  target: string;
  httpVersion: string;
  headers: HeaderList;
  body: Buffer;
  /** ip:port of the peer the app sees (the client pod, or a proxy) */
  remoteAddr: string;
  pod: PodView;
  image: ImageSpec;
  /** the pod's container env (helloworld's SERVICE_VERSION, HOSTNAME) */
  env: Record<string, string>;
  now: Date;
  /** waits that honour the runtime clock and end early when the client gives up */
  sleep(ms: number): Promise<void>;
}

export interface AppResponse {
  status: number;
  statusText?: string;
  headers: HeaderList;
  body: Buffer | string;
  /** a line for the app's own log (go-httpbin and nginx log each request; gunicorn does not by default) */
  logLine?: string;
  /**
   * How long the app keeps an idle keep-alive connection open after this answer, for a client that keeps it (an
   * Envoy's connection pool; curl closes its own at exit). Unset: the app closes it at once.
   */
  keepAliveIdleMs?: number;
}

export type AppHandler = (req: AppRequest) => Promise<AppResponse>;

/** case-insensitive header lookup */
export const header = (h: HeaderList, name: string): string | undefined =>
  h.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];

/** Go's http.Date / RFC 7231 date */
export const httpDate = (d: Date) => d.toUTCString();
