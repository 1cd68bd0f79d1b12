/** What the runtime knows about a container image: plain data, read by the shell, the logs and the apps. */

/** The app an image serves; the NetworkModel and port-forward answer requests with its handler. */
export type AppKind =
  | 'httpbin'
  | 'helloworld'
  | 'nginx'
  | 'coredns'
  | 'metrics-server'
  | 'ztunnel-stats'
  | 'envoy-stats'
  | 'argocd-server'
  | 'none';

export interface ImageUser {
  uid: number;
  gid: number;
  name: string;
  group: string;
  home: string;
}

export interface StartupContext {
  podName: string;
  namespace: string;
  container: string;
  startedAt: Date;
  /** the pod's spec args/command, e.g. helloworld's SERVICE_VERSION comes from env */
  env: Record<string, string>;
  /** the container's image reference as the pod spec writes it (a release's version is its tag) */
  image: string;
  /** the pod's command then args, else the image's entrypoint (one image, several programs: Argo CD) */
  argv: string[];
}

export interface ImageSpec {
  /** a short id used in tests and logs ("curl", "httpbin") */
  id: string;
  /** repository names (registry and tag stripped) this entry covers */
  repositories: string[];
  user: ImageUser;
  /** executables on PATH; "sh" means a busybox/ash shell */
  commands: string[];
  /** absolute paths that exist besides /bin/<command> (e.g. an app binary) */
  extraPaths?: string[];
  /** the image's ENV (PATH included) */
  env: Record<string, string>;
  workingDir: string;
  /** /etc/os-release, or undefined for distroless/scratch images without one */
  osRelease?: string;
  app: AppKind;
  /** ports the app listens on (containerPort in the samples) */
  ports: number[];
  /** PID 1 (the entrypoint and its args) when the pod spec does not override it: in-pod `ps`, /proc/1/cmdline, the node's `ps` */
  entrypoint: string[];
  /**
   * The tags its registry serves, when we model them: a pull of any other tag fails as the registry answers
   * (NotFound). Version-shaped tags all pass (nginx:1.99 would too); undefined: every tag pulls.
   */
  tags?: RegExp;
  /** the lines the real image prints at start, with timestamps in its own format */
  startupLog(ctx: StartupContext): string[];
}
