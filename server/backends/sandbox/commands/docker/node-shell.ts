/**
 * The busybox `sh` of a k3s node image (rancher/k3s ships busybox as /bin/sh), as `docker exec NODE sh -c '…'` and
 * `docker exec -it NODE sh` reach it: lists and pipelines of the node's commands (ps, crictl, the mesh's nsenter and
 * iptables, `kubectl` = `k3s kubectl` on servers) and a few busybox applets (echo, hostname, cat of the files a
 * learner looks at, grep, head, tail, wc). Anything else is busybox's `sh: X: not found` (127).
 */
import {spawn} from 'node:child_process';
import type {ClusterRecord, NodeContainer} from '../../cluster/cluster-record';
import type {CommandIO, CommandOutput} from '../../kit/command-io';
import type {CommandSandbox} from '../types';
import {nodeAddress} from './node-container';

class Buffered implements CommandOutput {
  text = '';
  write(t: string | Buffer): void {
    this.text += t.toString();
  }
}

/** split a script into `;`/`&&`/`||`/newline-separated lists of `|` pipelines of words, with sh quoting */
export function parseScript(script: string): {op: string; pipeline: string[][]}[] {
  const out: {op: string; pipeline: string[][]}[] = [];
  let words: string[] = [];
  let pipeline: string[][] = [];
  let cur: string | undefined;
  let op = ';';
  const endWord = () => {
    if (cur !== undefined) words.push(cur);
    cur = undefined;
  };
  const endCommand = () => {
    endWord();
    if (words.length) pipeline.push(words);
    words = [];
  };
  const endList = (next: string) => {
    endCommand();
    if (pipeline.length) out.push({op, pipeline});
    pipeline = [];
    op = next;
  };
  for (let i = 0; i < script.length; i++) {
    const ch = script[i]!;
    if (ch === "'") {
      const end = script.indexOf("'", i + 1);
      cur = (cur ?? '') + script.slice(i + 1, end < 0 ? undefined : end);
      i = end < 0 ? script.length : end;
    } else if (ch === '"') {
      let j = i + 1;
      let s = '';
      while (j < script.length && script[j] !== '"') {
        if (script[j] === '\\' && j + 1 < script.length) j++;
        s += script[j];
        j++;
      }
      cur = (cur ?? '') + s;
      i = j;
    } else if (ch === '\\' && i + 1 < script.length) cur = (cur ?? '') + script[++i];
    else if (ch === '#' && cur === undefined) {
      while (i < script.length && script[i] !== '\n') i++;
      endList(';');
    } else if (ch === ' ' || ch === '\t') endWord();
    else if (ch === '\n' || ch === ';') endList(';');
    else if ((ch === '&' || ch === '|') && script[i + 1] === ch) {
      endList(ch + ch);
      i++;
    } else if (ch === '|') endCommand();
    else cur = (cur ?? '') + ch;
  }
  endList(';');
  return out;
}

export interface NodeShellContext {
  io: CommandIO;
  sandbox: CommandSandbox;
  cluster: ClusterRecord;
  node: NodeContainer;
}

/** the server's /etc/rancher/k3s/k3s.yaml: the admin kubeconfig k3s writes, pointing at its own listener */
function k3sYaml(ctx: NodeShellContext): string | undefined {
  if (ctx.node.role !== 'server') return undefined;
  const cred = ctx.sandbox.credentials(ctx.cluster.name);
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${b64(cred.caCert)}
    server: https://127.0.0.1:6443
  name: default
contexts:
- context:
    cluster: default
    user: default
  name: default
current-context: default
kind: Config
preferences: {}
users:
- user:
    token: ${cred.token}
  name: default
`;
}

const NOT_FOUND = 127;

/** what `docker exec NODE <name>` finds as a node's own executable besides the node commands */
export const NODE_SHELL_EXECUTABLES = new Set([
  'sh',
  'ash',
  'kubectl',
  'k3s',
  'echo',
  'hostname',
  'cat',
  'grep',
  'head',
  'tail',
  'wc',
  'true',
  'false',
]);

/** `kubectl` inside a node: k3s's kubectl with /etc/rancher/k3s/k3s.yaml on a server, nothing to talk to on an agent */
export async function nodeKubectl(ctx: NodeShellContext, args: string[], out: CommandOutput, err: CommandOutput) {
  if (ctx.node.role !== 'server') {
    // an agent has no k3s.yaml: client-go falls back to localhost:8080
    err.write(
      'E1207 00:00:00.000000     123 memcache.go:265] "Unhandled Error" err="couldn\'t get current server API group list: Get \\"http://localhost:8080/api?timeout=32s\\": dial tcp [::1]:8080: connect: connection refused"\n'.replace(
        'E1207 00:00:00.000000',
        klogStamp(ctx.sandbox.store.clock.now()),
      ) + 'The connection to the server localhost:8080 was refused - did you specify the right host or port?\n',
    );
    return 1;
  }
  const bin = process.env.LAB_KUBECTL || 'kubectl';
  return new Promise<number>((resolve) => {
    const child = spawn(bin, ['--kubeconfig', ctx.sandbox.kubeconfigPath, ...args], {
      env: {...process.env, KUBECONFIG: ''},
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d: Buffer) => out.write(d));
    child.stderr.on('data', (d: Buffer) => err.write(d));
    const stop = () => child.kill('SIGTERM');
    ctx.io.signal.addEventListener('abort', stop, {once: true});
    child.on('error', () => resolve(NOT_FOUND));
    child.on('close', (code) => {
      ctx.io.signal.removeEventListener('abort', stop);
      resolve(code ?? 1);
    });
  });
}

function klogStamp(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `E${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}000`;
}

type Applet = (args: string[], stdin: string, out: CommandOutput, err: CommandOutput) => Promise<number> | number;

function applets(ctx: NodeShellContext): Record<string, Applet> {
  const lines = (s: string) => (s === '' ? [] : (s.endsWith('\n') ? s.slice(0, -1) : s).split('\n'));
  const files: Record<string, string | undefined> = {
    '/etc/hostname': `${ctx.node.name}\n`,
    '/etc/rancher/k3s/k3s.yaml': k3sYaml(ctx),
    '/etc/hosts': `127.0.0.1\tlocalhost\n${nodeAddress(ctx.cluster, ctx.node)}\t${ctx.node.name}\n`,
    '/etc/os-release':
      'NAME="K3s"\nID=k3s\nPRETTY_NAME="K3s ' + ctx.cluster.image.split(':').pop()!.replace('-', '+') + '"\n',
  };
  return {
    echo: (args, _in, out) => {
      const n = args[0] === '-n';
      out.write(`${(n ? args.slice(1) : args).join(' ')}${n ? '' : '\n'}`);
      return 0;
    },
    hostname: (_a, _in, out) => (out.write(`${ctx.node.name}\n`), 0),
    true: () => 0,
    false: () => 1,
    cat: (args, stdin, out, err) => {
      if (!args.length) return (out.write(stdin), 0);
      let code = 0;
      for (const f of args) {
        const text = files[f];
        if (text === undefined) {
          err.write(`cat: can't open '${f}': No such file or directory\n`);
          code = 1;
        } else out.write(text);
      }
      return code;
    },
    grep: (args, stdin, out) => {
      const flags = args.filter((a) => /^-[a-zA-Z]+$/.test(a)).join('');
      const pattern = args.find((a) => !/^-[a-zA-Z]+$/.test(a)) ?? '';
      const re = new RegExp(pattern, flags.includes('i') ? 'i' : '');
      const hit = lines(stdin).filter((l) => re.test(l) !== flags.includes('v'));
      if (flags.includes('c')) out.write(`${hit.length}\n`);
      else out.write(hit.map((l) => `${l}\n`).join(''));
      return hit.length ? 0 : 1;
    },
    head: (args, stdin, out) => {
      const n = Number(/^-n?(\d+)$/.exec(args.join(''))?.[1] ?? 10);
      out.write(
        lines(stdin)
          .slice(0, n)
          .map((l) => `${l}\n`)
          .join(''),
      );
      return 0;
    },
    tail: (args, stdin, out) => {
      const n = Number(/^-n?(\d+)$/.exec(args.join(''))?.[1] ?? 10);
      out.write(
        lines(stdin)
          .slice(-n)
          .map((l) => `${l}\n`)
          .join(''),
      );
      return 0;
    },
    wc: (args, stdin, out) => {
      const l = (stdin.match(/\n/g) ?? []).length;
      out.write(
        args.includes('-l')
          ? `${l}\n`
          : `${String(l).padStart(7)} ${String(stdin.split(/\s+/).filter(Boolean).length).padStart(7)} ${String(Buffer.byteLength(stdin)).padStart(7)}\n`,
      );
      return 0;
    },
    kubectl: (args, _in, out, err) => nodeKubectl(ctx, args, out, err),
    k3s: (args, _in, out, err) => {
      if (args[0] === 'kubectl') return nodeKubectl(ctx, args.slice(1), out, err);
      if (args[0] === '--version' || args[0] === '-v') {
        const v = ctx.cluster.image.split(':').pop()!.replace('-', '+');
        out.write(`k3s version ${v}\n`);
        return 0;
      }
      err.write(`k3s ${args[0] ?? ''}: only "k3s kubectl" and "k3s --version" are simulated on this sandbox node\n`);
      return 1;
    },
  };
}

/** run one command line of the node's sh; `exit` ends the shell (returned as {exit}) */
export async function runScript(
  ctx: NodeShellContext,
  script: string,
  out: CommandOutput,
  err: CommandOutput,
): Promise<{code: number; exit?: boolean}> {
  const own = applets(ctx);
  let code = 0;
  for (const {op, pipeline} of parseScript(script)) {
    if ((op === '&&' && code !== 0) || (op === '||' && code === 0)) continue;
    let stdin = '';
    for (let i = 0; i < pipeline.length; i++) {
      const [exe, ...args] = pipeline[i]!;
      const last = i === pipeline.length - 1;
      const sink = last ? out : new Buffered();
      if (exe === 'exit') return {code: Number(args[0] ?? code), exit: true};
      const name = exe!.split('/').pop()!;
      const applet = own[name];
      const nodeCommand = ctx.sandbox.nodeCommands.get(name);
      if (applet) code = await applet(args, stdin, sink, err);
      else if (nodeCommand) {
        const io: CommandIO = {...ctx.io, args, stdout: sink, stderr: err};
        code = await nodeCommand({
          io,
          store: ctx.sandbox.store,
          cluster: ctx.cluster,
          node: ctx.node,
          args,
          processes: () => ctx.sandbox.nodeProcesses(ctx.node),
        });
      } else {
        err.write(`sh: ${exe}: not found\n`);
        code = NOT_FOUND;
      }
      if (!last) stdin = (sink as Buffered).text;
    }
  }
  return {code};
}

/** `sh -c SCRIPT` or an interactive `sh` (prompt `/ # ` on a terminal, busybox's for root in /) */
export async function nodeShell(ctx: NodeShellContext, args: string[]): Promise<number> {
  const c = args.indexOf('-c');
  if (c >= 0) {
    const script = args[c + 1];
    if (script === undefined) {
      ctx.io.stderr.write('sh: -c requires an argument\n');
      return 2;
    }
    return (await runScript(ctx, script, ctx.io.stdout, ctx.io.stderr)).code;
  }
  let code = 0;
  for (;;) {
    if (ctx.io.isTTY.stdin) ctx.io.stdout.write('/ # ');
    const line = await ctx.io.readLine();
    if (line === null) return code;
    const r = await runScript(ctx, line, ctx.io.stdout, ctx.io.stderr);
    code = r.code;
    if (r.exit) return code;
  }
}
