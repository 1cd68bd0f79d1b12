import {argocdStartupLog} from './argocd-startup';
import {after, gunicornTime, klog, nginxTime, rfc3339Millis, rfc3339Seconds} from './log-time';
import type {ImageSpec, ImageUser} from './types';

/** The busybox applets our shell implements; images built on busybox/alpine have all of them. */
export const BUSYBOX_COMMANDS = [
  'sh',
  'ash',
  'echo',
  'printf',
  'cat',
  'env',
  'printenv',
  'hostname',
  'ls',
  'pwd',
  'id',
  'whoami',
  'sleep',
  'true',
  'false',
  'uname',
  'ps',
  'nslookup',
  'wget',
  'grep',
  'head',
  'tail',
  'wc',
  'date',
  'which',
  'test',
  '[',
  'tr',
  'sort',
  'uniq',
  'cut',
  'seq',
  'touch',
  'tar',
  'stty',
];
/** Debian's coreutils + dash + bash: no nslookup, wget or curl unless installed. */
const DEBIAN_COMMANDS = [
  'sh',
  'bash',
  'dash',
  'echo',
  'printf',
  'cat',
  'env',
  'printenv',
  'hostname',
  'ls',
  'pwd',
  'id',
  'whoami',
  'sleep',
  'true',
  'false',
  'uname',
  'grep',
  'head',
  'tail',
  'wc',
  'date',
  'which',
  'test',
  '[',
  'tr',
  'getent',
  'sort',
  'uniq',
  'cut',
  'seq',
  'touch',
  'stty',
  // Debian's tar is essential (in every image built on debian, slim too): kubectl cp works there
  'tar',
];

const ROOT: ImageUser = {uid: 0, gid: 0, name: 'root', group: 'root', home: '/root'};
const ALPINE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const alpine = (version: string) =>
  `NAME="Alpine Linux"\nID=alpine\nVERSION_ID=${version}\nPRETTY_NAME="Alpine Linux v${version.split('.').slice(0, 2).join('.')}"\nHOME_URL="https://alpinelinux.org/"\nBUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"\n`;
const debian = (version: string, codename: string) =>
  `PRETTY_NAME="Debian GNU/Linux ${version} (${codename})"\nNAME="Debian GNU/Linux"\nVERSION_ID="${version}"\nVERSION="${version} (${codename})"\nVERSION_CODENAME=${codename}\nID=debian\nHOME_URL="https://www.debian.org/"\nSUPPORT_URL="https://www.debian.org/support"\nBUG_REPORT_URL="https://bugs.debian.org/"\n`;
const DISTROLESS_OS = `PRETTY_NAME="Distroless"\nNAME="Debian GNU/Linux"\nID="debian"\nVERSION_ID="12"\nVERSION="Debian GNU/Linux 12 (bookworm)"\nHOME_URL="https://github.com/GoogleContainerTools/distroless"\n`;

/** a tag shaped like a release: 1, 1.27, v2.15.0, 1.27.3-alpine, 8.16.0 … (or latest) */
const tagsLike = (...words: string[]) =>
  new RegExp(`^(latest|v?\\d+(\\.\\d+){0,3}([-_.+][0-9A-Za-z._-]+)?${words.map((w) => `|${w}`).join('')})$`);

/**
 * An image we have no entry for: a generic Linux userland with a shell, so a learner's own image still answers
 * `sh`, `env` and `hostname`; it serves no app and prints nothing at start.
 */
export const GENERIC_IMAGE: ImageSpec = {
  id: 'generic',
  repositories: [],
  user: ROOT,
  commands: BUSYBOX_COMMANDS,
  env: {PATH: ALPINE_PATH},
  workingDir: '/',
  app: 'none',
  ports: [],
  entrypoint: ['/bin/sh'],
  startupLog: () => [],
};

/**
 * Images whose only modelled trait is what they run (PID 1 in the pod, and its line in the node's `ps`): a generic
 * userland otherwise. The mesh's and k3s's own images, and the Argo images the walkthrough installs.
 */
const runsOnly = (id: string, repositories: string[], entrypoint: string[]): ImageSpec => ({
  ...GENERIC_IMAGE,
  id,
  repositories,
  entrypoint,
});

/**
 * The images the walkthrough and k3s run. Order matters only for overlapping repositories (none today).
 * Sources: the images' Dockerfiles and their documented start-up output (Istio's samples for httpbin and helloworld).
 */
export const IMAGE_CATALOG: ImageSpec[] = [
  {
    id: 'curl',
    tags: tagsLike(),
    repositories: ['curlimages/curl', 'governmentpaas/curl-ssl', 'radial/busyboxplus'],
    user: {uid: 100, gid: 101, name: 'curl_user', group: 'curl_group', home: '/home/curl_user'},
    commands: [...BUSYBOX_COMMANDS, 'curl'],
    env: {
      PATH: ALPINE_PATH,
      CURL_CA_BUNDLE: '/cacert.pem',
      CURL_RELEASE_TAG: 'curl-8_16_0',
      CURL_GIT_REPO: 'https://github.com/curl/curl.git',
      CURL_VERSION: '8.16.0',
    },
    workingDir: '/home/curl_user',
    osRelease: alpine('3.22.1'),
    app: 'none',
    ports: [],
    entrypoint: ['/entrypoint.sh', 'curl'],
    startupLog: () => [],
  },
  {
    id: 'httpbin',
    tags: tagsLike(),
    repositories: ['mccutchen/go-httpbin'],
    // distroless: the go-httpbin binary and nothing else, so `kubectl exec deploy/httpbin -- sh` fails as it really does
    user: {uid: 65532, gid: 65532, name: 'nonroot', group: 'nonroot', home: '/home/nonroot'},
    commands: ['go-httpbin'],
    env: {
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      SSL_CERT_FILE: '/etc/ssl/certs/ca-certificates.crt',
    },
    workingDir: '/',
    osRelease: DISTROLESS_OS,
    app: 'httpbin',
    ports: [8080],
    entrypoint: ['/bin/go-httpbin'],
    startupLog: ({startedAt, env}) => [
      `time=${rfc3339Millis(after(startedAt, 3))} level=INFO msg="go-httpbin listening on http://0.0.0.0:${env.PORT ?? '8080'}"`,
    ],
  },
  {
    id: 'kong-httpbin',
    repositories: ['kong/httpbin', 'kennethreitz/httpbin'],
    user: ROOT,
    commands: [...DEBIAN_COMMANDS, 'python3', 'gunicorn'],
    env: {PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8'},
    workingDir: '/',
    osRelease: debian('12', 'bookworm'),
    app: 'httpbin',
    ports: [80],
    entrypoint: ['/usr/bin/python3', '/usr/local/bin/gunicorn', '-b', '0.0.0.0:80', 'httpbin:app', '-k', 'gevent'],
    startupLog: ({startedAt}) => gunicornStart(startedAt, '19.9.0', '0.0.0.0:80', 'gevent'),
  },
  {
    id: 'helloworld',
    repositories: [
      'istio/examples-helloworld-v1',
      'istio/examples-helloworld-v2',
      'release/examples-helloworld-v1',
      'release/examples-helloworld-v2',
    ],
    user: ROOT,
    commands: [...DEBIAN_COMMANDS, 'python', 'python3', 'gunicorn', 'pip'],
    env: {
      PATH: '/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      LANG: 'C.UTF-8',
      PYTHON_VERSION: '3.11.4',
      GPG_KEY: 'A035C8C19219BA821ECEA86B64E628F8D684696D',
    },
    workingDir: '/opt/microservices',
    osRelease: debian('12', 'bookworm'),
    app: 'helloworld',
    ports: [5000],
    entrypoint: ['/usr/local/bin/python3', '/usr/local/bin/gunicorn', '-b', '[::]:5000', 'app:app', '-k', 'gevent'],
    startupLog: ({startedAt}) => gunicornStart(startedAt, '22.0.0', '[::]:5000', 'gevent'),
  },
  {
    id: 'nginx',
    tags: tagsLike(
      'stable(-[a-z0-9-]+)?',
      'mainline(-[a-z0-9-]+)?',
      'alpine(-slim|-perl|-otel)?',
      'perl',
      'otel',
      'bookworm',
    ),
    repositories: ['library/nginx', 'nginx'],
    user: ROOT,
    commands: [...DEBIAN_COMMANDS, 'nginx', 'curl'],
    env: {
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      NGINX_VERSION: '1.27.3',
      NJS_VERSION: '0.8.7',
      NJS_RELEASE: '1~bookworm',
      PKG_RELEASE: '1~bookworm',
    },
    workingDir: '/',
    osRelease: debian('12', 'bookworm'),
    app: 'nginx',
    ports: [80],
    entrypoint: ['nginx:', 'master', 'process', 'nginx', '-g', 'daemon off;'],
    startupLog: ({startedAt}) => {
      const t = nginxTime(after(startedAt, 40));
      return [
        '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
        '/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/',
        '/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh',
        '10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf',
        '10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf',
        '/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh',
        '/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh',
        '/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh',
        '/docker-entrypoint.sh: Configuration complete; ready for start up',
        `${t} [notice] 1#1: using the "epoll" event method`,
        `${t} [notice] 1#1: nginx/1.27.3`,
        `${t} [notice] 1#1: built by gcc 12.2.0 (Debian 12.2.0-14) `,
        `${t} [notice] 1#1: OS: Linux 6.8.0-1017-gcp`,
        `${t} [notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576`,
        `${t} [notice] 1#1: start worker processes`,
        `${t} [notice] 1#1: start worker process 29`,
      ];
    },
  },
  {
    id: 'busybox',
    tags: tagsLike('stable', 'musl', 'glibc', 'uclibc'),
    repositories: ['library/busybox', 'busybox'],
    user: ROOT,
    commands: BUSYBOX_COMMANDS,
    env: {PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'},
    workingDir: '/',
    app: 'none',
    ports: [],
    entrypoint: ['sh'],
    startupLog: () => [],
  },
  {
    id: 'alpine',
    tags: tagsLike('edge'),
    repositories: ['library/alpine', 'alpine'],
    user: ROOT,
    commands: BUSYBOX_COMMANDS,
    env: {PATH: ALPINE_PATH},
    workingDir: '/',
    osRelease: alpine('3.22.1'),
    app: 'none',
    ports: [],
    entrypoint: ['/bin/sh'],
    startupLog: () => [],
  },
  {
    id: 'coredns',
    repositories: ['rancher/mirrored-coredns-coredns', 'coredns/coredns'],
    user: {uid: 65532, gid: 65532, name: 'nonroot', group: 'nonroot', home: '/home/nonroot'},
    commands: ['coredns'],
    env: {PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'},
    workingDir: '/',
    app: 'coredns',
    ports: [53, 9153],
    entrypoint: ['/coredns', '-conf', '/etc/coredns/Corefile'],
    startupLog: () => [
      '.:53',
      '[INFO] plugin/reload: Running configuration SHA512 = 591cf328cccc12bc490481273e738df59329c62c0b729d94e8b61db9961c2fa5f046dd37f1cf888b953814040d180f52594972691cd6ff41be96639138a43908',
      'CoreDNS-1.12.0',
      'linux/amd64, go1.23.3, 51e11f1',
    ],
  },
  {
    id: 'local-path-provisioner',
    repositories: ['rancher/local-path-provisioner'],
    user: ROOT,
    commands: BUSYBOX_COMMANDS.filter((c) => !['wget', 'nslookup'].includes(c)).concat('local-path-provisioner'),
    env: {PATH: ALPINE_PATH},
    workingDir: '/',
    osRelease: alpine('3.21.3'),
    app: 'none',
    ports: [],
    entrypoint: ['local-path-provisioner', 'start', '--config', '/etc/config/config.json'],
    startupLog: ({startedAt, podName}) => [
      `time="${rfc3339Seconds(startedAt)}" level=info msg="Creating provisioner" configmap=local-path-config`,
      `time="${rfc3339Seconds(after(startedAt, 20))}" level=debug msg="Applied config: {\\"nodePathMap\\":[{\\"node\\":\\"DEFAULT_PATH_FOR_NON_LISTED_NODES\\",\\"paths\\":[\\"/var/lib/rancher/k3s/storage\\"]}]}"`,
      `time="${rfc3339Seconds(after(startedAt, 21))}" level=debug msg="Provisioner started"`,
      `${klog(after(startedAt, 30), 'I', 'controller.go:824')} Starting provisioner controller rancher.io/local-path_${podName}_${'3c1a8f4e-6a0b-4f4e-9d37-0b5d3f1e2a77'}!`,
      `${klog(after(startedAt, 131), 'I', 'controller.go:873')} Started provisioner controller rancher.io/local-path_${podName}_${'3c1a8f4e-6a0b-4f4e-9d37-0b5d3f1e2a77'}!`,
    ],
  },
  {
    id: 'metrics-server',
    repositories: ['rancher/mirrored-metrics-server', 'metrics-server/metrics-server'],
    user: {uid: 1000, gid: 1000, name: '1000', group: '1000', home: '/'},
    commands: ['metrics-server'],
    env: {PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'},
    workingDir: '/',
    app: 'metrics-server',
    ports: [10250],
    entrypoint: [
      '/metrics-server',
      '--cert-dir=/tmp',
      '--secure-port=10250',
      '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
      '--kubelet-use-node-status-port',
      '--metric-resolution=15s',
      '--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
    ],
    startupLog: ({startedAt}) => [
      `${klog(after(startedAt, 210), 'I', 'serving.go:374')} Generated self-signed cert (/tmp/apiserver.crt, /tmp/apiserver.key)`,
      `${klog(after(startedAt, 640), 'I', 'handler.go:275')} Adding GroupVersion metrics.k8s.io v1beta1 to ResourceManager`,
      `${klog(after(startedAt, 752), 'I', 'requestheader_controller.go:169')} Starting RequestHeaderAuthRequestController`,
      `${klog(after(startedAt, 752), 'I', 'configmap_cafile_content.go:202')} "Starting controller" name="client-ca::kube-system::extension-apiserver-authentication::client-ca-file"`,
      `${klog(after(startedAt, 753), 'I', 'secure_serving.go:213')} Serving securely on [::]:10250`,
      `${klog(after(startedAt, 753), 'I', 'tlsconfig.go:240')} "Starting DynamicServingCertificateController"`,
    ],
  },
  // what runs only (no in-pod userland modelled): the mesh's and k3s's own images, Argo's
  runsOnly(
    'traefik',
    ['rancher/mirrored-library-traefik', 'library/traefik'],
    ['traefik', 'traefik', '--entryPoints.web.address=:8000/tcp', '--entryPoints.websecure.address=:8443/tcp'],
  ),
  runsOnly('klipper-lb', ['rancher/klipper-lb'], ['/bin/sh', '/usr/bin/entry']),
  // ztunnel serves its Prometheus metrics on 15020 (its ztunnel-stats port)
  {
    ...runsOnly('ztunnel', ['istio/ztunnel'], ['/usr/local/bin/ztunnel', 'proxy', 'ztunnel']),
    app: 'ztunnel-stats',
    ports: [15020],
  },
  runsOnly(
    'pilot',
    ['istio/pilot'],
    ['/usr/local/bin/pilot-discovery', 'discovery', '--monitoringAddr=:15014', '--log_output_level=default:info'],
  ),
  // pilot-agent's merged stats on 15020 and Envoy's own on 15090, both at /stats/prometheus
  {
    ...runsOnly(
      'proxyv2',
      ['istio/proxyv2'],
      ['/usr/local/bin/pilot-agent', 'proxy', 'router', '--domain', '$(POD_NAMESPACE).svc.cluster.local'],
    ),
    app: 'envoy-stats',
    ports: [15020, 15090],
  },
  runsOnly('install-cni', ['istio/install-cni'], ['install-cni']),
  // every Argo CD component runs this image; the argocd-server process serves its API on 8080 (net/pod-app.ts
  // tells the processes apart by the pod's args)
  {
    ...runsOnly('argocd', ['argoproj/argocd'], ['/usr/local/bin/argocd-server']),
    app: 'argocd-server',
    ports: [8080],
    startupLog: argocdStartupLog,
  },
  runsOnly('redis', ['library/redis'], ['redis-server', '*:6379']),
];

/**
 * What a container runs as PID 1, as argv: the pod's `command` replaces the image's entrypoint, its `args` alone
 * replace what follows the entrypoint's executable. In-pod `ps`, `/proc/1/cmdline` and the node's `ps` all ask here.
 */
export function containerArgv(image: ImageSpec, c: {command?: string[]; args?: string[]}): string[] {
  if (c.command?.length) return [...c.command, ...(c.args ?? [])];
  // an image whose PID 1 is a lone shell has it as CMD, no ENTRYPOINT (busybox CMD ["sh"], alpine CMD ["/bin/sh"]):
  // args replace it whole (`kubectl run b --image=busybox -- sh` runs `sh`, not `sh sh`)
  if (c.args?.length)
    return image.entrypoint.length === 1 && /(^|\/)(sh|ash|bash)$/.test(image.entrypoint[0]!)
      ? [...c.args]
      : [image.entrypoint[0]!, ...c.args];
  return image.entrypoint;
}

function gunicornStart(t: Date, version: string, bind: string, worker: string): string[] {
  const later = after(t, 12);
  return [
    `${gunicornTime(t)} [1] [INFO] Starting gunicorn ${version}`,
    `${gunicornTime(t)} [1] [INFO] Listening at: http://${bind} (1)`,
    `${gunicornTime(t)} [1] [INFO] Using worker: ${worker}`,
    `${gunicornTime(later)} [8] [INFO] Booting worker with pid: 8`,
  ];
}

/** "docker.io/istio/examples-helloworld-v1:1.0" → "istio/examples-helloworld-v1"; "nginx" → "library/nginx" */
export function repositoryOf(image: string): string {
  let ref = image.split('@')[0]!;
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > lastSlash) ref = ref.slice(0, colon);
  const parts = ref.split('/');
  // a first part with a dot or colon, or "localhost", is a registry host
  if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0]!)) parts.shift();
  if (parts.length === 1) parts.unshift('library');
  return parts.join('/');
}

/** the catalog entry for an image reference, or the generic one */
export function imageSpecFor(image: string | undefined, catalog: ImageSpec[] = IMAGE_CATALOG): ImageSpec {
  if (!image) return GENERIC_IMAGE;
  const repo = repositoryOf(image);
  return (
    catalog.find((s) => s.repositories.some((r) => r === repo || repositoryOf(r) === repo || repo.endsWith(`/${r}`))) ??
    GENERIC_IMAGE
  );
}
