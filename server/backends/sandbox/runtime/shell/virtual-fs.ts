import {posix} from 'node:path';
import {etcHosts, resolvConf, type ContainerEnv} from '../pod-env';
import {containerArgv} from '../images/catalog';

export type FsResult<T> = {ok: true; value: T} | {ok: false; error: string};

const BIN_DIRS = ['/bin', '/usr/bin', '/usr/local/bin', '/sbin', '/usr/sbin'];

/**
 * The files a learner may look at inside a container, generated from the pod (never the host's files), plus a
 * writable overlay that lives as long as the container (`echo x > /tmp/f; cat /tmp/f` works across execs).
 */
export class VirtualFs {
  private readonly files = new Map<string, string>();
  private readonly dirs = new Set<string>([
    '/',
    '/dev',
    '/etc',
    '/proc',
    '/tmp',
    '/usr',
    '/var',
    '/var/run',
    '/home',
    '/root',
  ]);

  constructor(
    private readonly c: ContainerEnv,
    private readonly overlay: Map<string, string>,
  ) {
    const {pod, image} = c;
    this.add('/etc/resolv.conf', resolvConf(pod.namespace));
    this.add('/etc/hosts', etcHosts(pod));
    this.add('/etc/hostname', `${c.hostname}\n`);
    if (image.osRelease) this.add('/etc/os-release', image.osRelease);
    this.add('/etc/passwd', passwd(c));
    this.add(
      '/etc/group',
      `root:x:0:root\n${image.user.uid ? `${image.user.group}:x:${image.user.gid}:${image.user.name}\n` : ''}`,
    );
    const sa = '/var/run/secrets/kubernetes.io/serviceaccount';
    this.add(`${sa}/namespace`, pod.namespace);
    this.add(
      `${sa}/token`,
      'eyJhbGciOiJSUzI1NiIsImtpZCI6InNhbmRib3gifQ.eyJpc3MiOiJodHRwczovL2t1YmVybmV0ZXMuZGVmYXVsdC5zdmMuY2x1c3Rlci5sb2NhbCJ9.c2FuZGJveA',
    );
    this.add(
      `${sa}/ca.crt`,
      '-----BEGIN CERTIFICATE-----\nMIIBdzCCAR2gAwIBAgIBADAKBggqhkjOPQQDAjAjMSEwHwYDVQQDDBhrM3Mtc2VydmVyLWNhQDE3MDAwMDAwMDAw\n-----END CERTIFICATE-----\n',
    );
    this.add('/proc/1/cmdline', containerArgv(image, c.container).join('\0') + '\0');
    this.dirs.add(image.user.home);
    this.dirs.add(image.workingDir);
    for (const d of BIN_DIRS) this.dirs.add(d);
    this.add('/dev/null', '');
    for (const [path, content] of c.files ?? []) this.add(path, content);
  }

  private add(path: string, content: string) {
    this.files.set(path, content);
    for (let d = posix.dirname(path); d !== '/'; d = posix.dirname(d)) this.dirs.add(d);
  }

  resolve(cwd: string, path: string): string {
    const home = this.c.image.user.home;
    const p = path === '~' ? home : path.startsWith('~/') ? home + path.slice(1) : path;
    return posix.resolve(cwd, p);
  }

  isDir(path: string): boolean {
    return this.dirs.has(path) || [...this.overlay.keys()].some((f) => f.startsWith(path === '/' ? '/' : `${path}/`));
  }

  /** the path of an executable the image has, or undefined */
  executable(nameOrPath: string): string | undefined {
    const cmds = this.c.image.commands;
    if (nameOrPath.includes('/')) {
      const base = posix.basename(nameOrPath);
      const dir = posix.dirname(posix.resolve('/', nameOrPath));
      return cmds.includes(base) && (BIN_DIRS.includes(dir) || dir === '/') ? nameOrPath : undefined;
    }
    return cmds.includes(nameOrPath)
      ? `${nameOrPath === 'curl' || nameOrPath === 'python3' ? '/usr/bin' : '/bin'}/${nameOrPath}`
      : undefined;
  }

  read(path: string): FsResult<string> {
    if (path === '/dev/null') return {ok: true, value: ''};
    const o = this.overlay.get(path);
    if (o !== undefined) return {ok: true, value: o};
    const f = this.files.get(path);
    if (f !== undefined) return {ok: true, value: f};
    if (this.isDir(path)) return {ok: false, error: 'Is a directory'};
    if (this.executable(path)) return {ok: true, value: '\x7fELF\x02\x01\x01'};
    return {ok: false, error: 'No such file or directory'};
  }

  /** may the image's user write here: root anywhere but /proc, others in /tmp and their home */
  private writable(path: string): boolean {
    const user = this.c.image.user;
    return user.uid === 0 ? !path.startsWith('/proc/') : path.startsWith('/tmp/') || path.startsWith(`${user.home}/`);
  }

  /** make a directory; the overlay keeps it as the key "<dir>/", so it lives as long as the container's files */
  mkdir(path: string): FsResult<void> {
    if (this.isDir(path)) return {ok: true, value: undefined};
    if (this.read(path).ok) return {ok: false, error: 'File exists'};
    if (!this.isDir(posix.dirname(path))) return {ok: false, error: 'No such file or directory'};
    if (!this.writable(path)) return {ok: false, error: 'Permission denied'};
    this.overlay.set(`${path}/`, '');
    return {ok: true, value: undefined};
  }

  write(path: string, data: string, append: boolean): FsResult<void> {
    if (path === '/dev/null' || path === '/dev/stdout' || path === '/dev/stderr') return {ok: true, value: undefined};
    const dir = posix.dirname(path);
    if (!this.isDir(dir)) return {ok: false, error: 'nonexistent directory'};
    if (this.isDir(path)) return {ok: false, error: 'Is a directory'};
    if (!this.writable(path)) return {ok: false, error: 'Permission denied'};
    this.overlay.set(path, (append ? (this.overlay.get(path) ?? this.files.get(path) ?? '') : '') + data);
    return {ok: true, value: undefined};
  }

  /** entries of a directory, sorted as ls prints them */
  list(path: string): FsResult<string[]> {
    if (!this.isDir(path))
      return this.read(path).ok
        ? {ok: true, value: [posix.basename(path)]}
        : {ok: false, error: 'No such file or directory'};
    const prefix = path === '/' ? '/' : `${path}/`;
    const names = new Set<string>();
    for (const p of [...this.files.keys(), ...this.overlay.keys(), ...this.dirs]) {
      if (p.startsWith(prefix) && p !== path) names.add(p.slice(prefix.length).split('/')[0]!);
    }
    if (BIN_DIRS.includes(path))
      for (const c of this.c.image.commands) if (this.executable(c)?.startsWith(`${path}/`)) names.add(c);
    return {ok: true, value: [...names].filter(Boolean).sort()};
  }
}

function passwd(c: ContainerEnv): string {
  const u = c.image.user;
  const lines = ['root:x:0:0:root:/root:/bin/sh'];
  if (u.uid !== 0) lines.push(`${u.name}:x:${u.uid}:${u.gid}::${u.home}:/sbin/nologin`);
  lines.push('nobody:x:65534:65534:nobody:/:/sbin/nologin');
  return lines.join('\n') + '\n';
}
