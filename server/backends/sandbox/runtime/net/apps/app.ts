import type {ImageSpec} from '../../images/types';
import type {PodView} from '../../pod-view';
import type {HeaderList} from '../network-model';

/** What an app knows of its pod, request or not (argocd-server's TLS certificate is chosen per connection). */
export interface AppContext {
  pod: PodView;
  image: ImageSpec;
  /** the pod's container env (helloworld's SERVICE_VERSION, HOSTNAME) */
  env: Record<string, string>;
  /** the container's command then args as the pod spec writes them, empty when it sets neither: a server's flags */
  podArgv: string[];
  now: Date;
  /** a Secret's or ConfigMap's data in the pod's namespace, decoded (what an app reads through the API) */
  data(kind: 'secrets' | 'configmaps', name: string): Record<string, string> | undefined;
  /** state the app keeps while its pod lives (a generated key or certificate), made by `init` on first use */
  state<T>(key: string, init: () => T): T;
}

/** One HTTP request as the app in the destination pod receives it. */
export interface AppRequest extends AppContext {
  method: string;
  /** path and query, as on the request line: /get?x=1 */
  target: string;
  httpVersion: string;
  headers: HeaderList;
  body: Buffer;
  /** ip:port of the peer the app sees (the client pod, or a proxy) */
  remoteAddr: string;
  /** the connection is TLS the app terminated itself (argocd-server's own certificate) */
  tls: boolean;
  /** the pod's proxy counters in the text exposition format (ztunnel and Envoy stats ports) */
  metrics?: (opts?: {openMetrics?: boolean}) => string;
  /** waits that honour the runtime clock and end early when the client gives up */
  sleep(ms: number): Promise<void>;
}

export interface AppResponse {
  status: number;
  statusText?: string;
  /** the status line's version (a Go server answers an HTTP/1.0 request with HTTP/1.0); HTTP/1.1 when unset */
  httpVersion?: string;
  headers: HeaderList;
  body: Buffer | string;
  /** a line for the app's own log (go-httpbin and nginx log each request; gunicorn does not by default) */
  logLine?: string;
  /**
   * How long the app keeps an idle keep-alive connection open after this answer, for a client that keeps it (an
   * Envoy's connection pool; curl closes its own at exit). Unset: the app closes it at once.
   */
  keepAliveIdleMs?: number;
  /** the app closes the connection once this answer is written (a Go server after `Connection: close`) */
  closeAfter?: boolean;
}

export type AppHandler = (req: AppRequest) => Promise<AppResponse>;

/** A certificate and key (PEM) an app serves TLS with on its own port. */
export interface AppCertificate {
  cert: string;
  key: string;
}

/**
 * For an app that serves TLS and plain HTTP on one port (argocd-server's cmux): the certificate it would present
 * now, or undefined when it serves plain HTTP only (`--insecure`).
 */
export type AppTls = (ctx: AppContext) => Promise<AppCertificate> | undefined;

/** case-insensitive header lookup */
export const header = (h: HeaderList, name: string): string | undefined =>
  h.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];

/** Go's http.Date / RFC 7231 date */
export const httpDate = (d: Date) => d.toUTCString();
