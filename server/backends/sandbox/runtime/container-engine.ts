import type {ContainerEngine, ContainerSpec, ProcessFate} from '../cluster/container-engine';
import {fullImageName} from '../cluster/images';
import {containerArgv, GENERIC_IMAGE, IMAGE_CATALOG, imageSpecFor, repositoryOf} from './images/catalog';
import type {ImageSpec} from './images/types';
import type {AndOr, Command, Script, Word} from './shell/ast';
import {parse} from './shell/parser';

/**
 * The container runtime the kubelets talk to, answered from the image catalog: which references a registry
 * serves, and what a container's process does (read from its command, never run). Handed to the cluster by the
 * backend (`bootCluster(..., {engine: catalogEngine()})`).
 */
export function catalogEngine(catalog: ImageSpec[] = IMAGE_CATALOG): ContainerEngine {
  return {
    pullError: (image) => pullError(image, catalog),
    fate: (c) => processOf(imageSpecFor(c.image, catalog), c)?.fate,
    listens: (c, port) => listens(imageSpecFor(c.image, catalog), c, port),
    ignoresSigterm(c) {
      const image = imageSpecFor(c.image, catalog);
      // a command we can read runs a shell, sleep or tail as PID 1: none handles SIGTERM
      if (c.command?.length || c.args?.length) return processOf(image, c) ? true : undefined;
      return image !== GENERIC_IMAGE && image.app === 'none' && SHELLS.has(base(image.entrypoint[0] ?? ''));
    },
    exec(c, command) {
      const run = processOf(imageSpecFor(c.image, catalog), {command});
      if (!run || 'runs' in run.fate) return undefined;
      return {exitCode: run.fate.exitCode, output: run.output.map((o) => o.text).join('\n')};
    },
  };
}

/**
 * Does the container's process listen on port: the image's app does on its ports when the pod lets the image's own
 * entrypoint run; a command we can read (`sleep infinity`) listens nowhere; anything else we cannot tell.
 */
function listens(image: ImageSpec, c: ContainerSpec, port: number): boolean | undefined {
  if (c.command?.length) return processOf(image, c) ? false : undefined;
  // images whose every listening port we model (a plain userland listens nowhere); the others (coredns, istio's,
  // metrics-server) also serve health ports the catalog does not list: we cannot tell
  if (!FULLY_MODELLED.has(image.id)) return undefined;
  return image.app !== 'none' && image.ports.includes(port);
}

const FULLY_MODELLED = new Set(['curl', 'httpbin', 'kong-httpbin', 'helloworld', 'nginx', 'busybox', 'alpine']);

/**
 * Docker Hub's official images ("library/…") besides the catalog's: a single-name image outside this list does not
 * exist, and Docker Hub answers as for any repository it does not have (pull access denied).
 */
const OFFICIAL_IMAGES = new Set(
  (
    'alpine busybox nginx httpd ubuntu debian fedora centos rockylinux almalinux amazonlinux archlinux python node ' +
    'golang rust openjdk eclipse-temurin ruby php perl haproxy traefik caddy redis memcached postgres mysql mariadb ' +
    'mongo cassandra elasticsearch rabbitmq nats consul vault registry hello-world wordpress ghost tomcat jetty ' +
    'influxdb telegraf zookeeper solr sonarqube nextcloud adminer bash gcc maven gradle docker swift erlang elixir ' +
    'julia r-base clojure groovy kong percona neo4j couchdb arangodb mongo-express redmine drupal joomla'
  ).split(' '),
);

/**
 * containerd's answer to a pull (CRI PullImage via the kubelet), k3s 1.31's containerd 1.7: an unknown tag of a
 * repository that exists is NotFound while resolving the reference; a repository Docker Hub does not have is
 * "pull access denied" (the registry answers 401 for both "missing" and "private").
 */
export function pullError(image: string, catalog: ImageSpec[] = IMAGE_CATALOG): string | undefined {
  if (image.includes('@')) return undefined;
  const ref = fullImageName(image);
  const tag = ref.slice(ref.lastIndexOf(':') + 1);
  const spec = imageSpecFor(image, catalog);
  const failed = (code: string, why: string) =>
    `rpc error: code = ${code} desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${why}`;
  if (spec !== GENERIC_IMAGE)
    return spec.tags && !spec.tags.test(tag) ? failed('NotFound', `${ref}: not found`) : undefined;
  const repo = repositoryOf(image);
  if (ref.startsWith('docker.io/library/') && !OFFICIAL_IMAGES.has(repo.slice('library/'.length)))
    return failed(
      'Unknown',
      'pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
    );
  return undefined;
}

/** what a container's main process does and prints, as far as its image and command tell */
export interface ProcessRun {
  fate: ProcessFate;
  /** lines it writes to stdout/stderr, ms after it starts */
  output: {atMs: number; text: string}[];
}

type Step = {next: true} | {exit: number} | {runs: true};

const SHELLS = new Set(['sh', 'ash', 'bash', 'dash']);
const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/**
 * Read a container's command as a shell would run it, without running it: enough for `sh -c 'echo hi; exit 1'`,
 * `false`, `sleep 5`, `sleep infinity`, `while true; do …; done`, and an image's own entrypoint. Anything else
 * (a loop over a network call, a program we do not model) is undefined: the kubelet then keeps a server running.
 */
export function processOf(
  image: ImageSpec,
  c: {command?: string[]; args?: string[]; stdin?: boolean},
): ProcessRun | undefined {
  const explicit = !!(c.command?.length || c.args?.length);
  if (!explicit) {
    // a learner's own image: we do not know what its entrypoint does
    if (image === GENERIC_IMAGE) return undefined;
    // a bare busybox/alpine runs `sh`, which reads an empty stdin and exits 0 (unless the pod keeps stdin open)
    if (image.app === 'none' && SHELLS.has(base(image.entrypoint[0] ?? '')) && image.entrypoint.length === 1)
      return c.stdin ? {fate: {runs: true}, output: []} : {fate: {exitCode: 0, afterMs: 0}, output: []};
    return {fate: {runs: true}, output: []};
  }
  const st = {t: 0, status: 0, output: [] as {atMs: number; text: string}[]};
  const r = program(containerArgv(image, c), st, !!c.stdin);
  if (!r) return undefined;
  if ('runs' in r) return {fate: {runs: true}, output: st.output};
  return {fate: {exitCode: 'exit' in r ? r.exit : st.status, afterMs: st.t}, output: st.output};
}

interface State {
  t: number;
  status: number;
  output: {atMs: number; text: string}[];
}

function seconds(v: string | undefined): number | 'infinity' | undefined {
  if (v === undefined) return undefined;
  if (v === 'infinity' || v === 'inf') return 'infinity';
  const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(v);
  if (!m) return undefined;
  return Number(m[1]) * ({'': 1, s: 1, m: 60, h: 3600, d: 86400} as Record<string, number>)[m[2]!]!;
}

/** one program with its argv; a shell reads its script */
function program(argv: string[], st: State, stdin: boolean): Step | undefined {
  const [cmd, ...args] = argv;
  if (!cmd) return undefined;
  const name = base(cmd);
  if (SHELLS.has(name)) {
    if (args[0] === '-c' && args[1] !== undefined) return script(args[1], st);
    if (args.length === 0) return stdin ? {runs: true} : {exit: 0};
    return undefined;
  }
  switch (name) {
    case 'true':
    case ':':
      st.status = 0;
      return {next: true};
    case 'false':
      st.status = 1;
      return {next: true};
    case 'echo': {
      const n = args[0] === '-n';
      st.output.push({atMs: st.t, text: (n ? args.slice(1) : args).join(' ')});
      st.status = 0;
      return {next: true};
    }
    case 'sleep': {
      const s = seconds(args[0]);
      if (s === 'infinity') return {runs: true};
      if (s === undefined) return undefined;
      st.t += s * 1000;
      st.status = 0;
      return {next: true};
    }
    case 'tail':
      return args.includes('-f') || args.includes('-F') ? {runs: true} : undefined;
    default:
      return undefined;
  }
}

function script(src: string, st: State): Step | undefined {
  let ast: Script;
  try {
    ast = parse(src);
  } catch {
    return undefined;
  }
  const r = list(ast, st);
  return r && 'next' in r ? {exit: st.status} : r;
}

function list(ast: Script, st: State): Step | undefined {
  for (const andOr of ast) {
    const r = chain(andOr, st);
    if (!r || !('next' in r)) return r;
  }
  return {next: true};
}

function chain(a: AndOr, st: State): Step | undefined {
  let r = pipeline(a.first.commands, a.first.negate, st);
  for (const {op, pipeline: p} of a.rest) {
    if (!r || !('next' in r)) return r;
    if ((op === '&&') === (st.status === 0)) r = pipeline(p.commands, p.negate, st);
  }
  return r;
}

function pipeline(commands: Command[], negate: boolean, st: State): Step | undefined {
  if (commands.length !== 1) return undefined;
  const r = command(commands[0]!, st);
  if (r && 'next' in r && negate) st.status = st.status === 0 ? 1 : 0;
  return r;
}

const literal = (w: Word): string | undefined =>
  w.parts.every((p) => p.kind === 'lit') ? w.parts.map((p) => (p.kind === 'lit' ? p.text : '')).join('') : undefined;

function command(c: Command, st: State): Step | undefined {
  if (c.kind === 'while' || c.kind === 'until') {
    // `while true; do …; done` never ends; any other loop depends on what it runs
    const cond = c.condition.length === 1 ? c.condition[0]! : undefined;
    const only = cond && !cond.rest.length && cond.first.commands.length === 1 ? cond.first.commands[0]! : undefined;
    const word = only?.kind === 'simple' && only.words.length === 1 ? literal(only.words[0]!) : undefined;
    const forever = c.kind === 'while' ? word === 'true' || word === ':' : word === 'false';
    return forever ? {runs: true} : undefined;
  }
  if (c.kind === 'subshell') return list(c.body, st);
  if (c.kind !== 'simple') return undefined;
  // output redirected to a file, or to stderr: stderr goes to the log too
  if (c.redirects.some((r) => r.op !== '>&')) return undefined;
  const words = c.words.map(literal);
  if (words.some((w) => w === undefined)) return undefined;
  const argv = words as string[];
  if (argv.length === 0) return c.assigns.length ? ((st.status = 0), {next: true}) : undefined;
  if (argv[0] === 'exit') {
    const n = argv[1] === undefined ? st.status : Number(argv[1]);
    return Number.isInteger(n) ? {exit: n & 255} : undefined;
  }
  if (argv[0] === 'exec') {
    const r = program(argv.slice(1), st, false);
    return r && 'next' in r ? {exit: st.status} : r;
  }
  return program(argv, st, false);
}
