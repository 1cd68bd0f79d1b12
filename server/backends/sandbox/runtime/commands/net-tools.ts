import type {Command} from '../shell/shell';
import {fail} from '../shell/shell';
import {CLUSTER_DNS_IP, resolveName} from '../net/dns';
import {isNetworkError} from '../net/network-model';

/** busybox nslookup against the cluster DNS */
const nslookup: Command = async (ctx) => {
  const name = ctx.argv.slice(1).find((a) => !a.startsWith('-'));
  if (!name) return fail(ctx, 'usage: nslookup [-type=QUERY_TYPE] HOST [DNS_SERVER]', 1);
  ctx.stdout.write(`Server:\t\t${CLUSTER_DNS_IP}\nAddress:\t${CLUSTER_DNS_IP}:53\n\n`);
  const r = resolveName(ctx.container.rt, ctx.container.pod.namespace, name);
  if (!r) {
    ctx.stdout.write(`** server can't find ${name}: NXDOMAIN\n\n`);
    return 1;
  }
  ctx.stdout.write(r.addresses.map((a) => `Name:\t${r.fqdn}\nAddress: ${a}\n`).join('') + '\n');
  return 0;
};

/** glibc getent hosts/ahosts */
const getent: Command = async (ctx) => {
  const [db, ...keys] = ctx.argv.slice(1);
  if (db !== 'hosts' && db !== 'ahosts' && db !== 'ahostsv4')
    return fail(ctx, db ? `Unknown database: ${db}` : 'usage: getent database [key ...]', db ? 1 : 1);
  let status = 0;
  for (const k of keys) {
    const r = resolveName(ctx.container.rt, ctx.container.pod.namespace, k);
    if (!r) {
      status = 2;
      continue;
    }
    for (const a of r.addresses)
      ctx.stdout.write(
        db === 'hosts'
          ? `${a.padEnd(15)} ${r.fqdn}\n`
          : `${a.padEnd(15)} STREAM ${r.fqdn}\n${a.padEnd(15)} DGRAM  \n${a.padEnd(15)} RAW    \n`,
      );
  }
  return status;
};

/** busybox wget: -q, -O FILE|-, -T SEC, -S */
const wget: Command = async (ctx) => {
  let quiet = false;
  let output: string | undefined;
  let timeoutSec = 900;
  let serverResponse = false;
  let url: string | undefined;
  const a = ctx.argv.slice(1);
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    if (x === '-O') output = a[++i];
    else if (x.startsWith('-O')) output = x.slice(2);
    else if (x === '-T') timeoutSec = Number(a[++i]);
    else if (/^-[qS]+$/.test(x)) {
      quiet ||= x.includes('q');
      serverResponse ||= x.includes('S');
    } else if (x.startsWith('-')) {
      if (x === '-qO-' || x === '-qO') {
        quiet = true;
        output = x === '-qO-' ? '-' : a[++i];
      }
    } else url = x;
  }
  if (!url) return fail(ctx, 'missing URL', 1);
  const u = new URL(/^\w+:\/\//.test(url) ? url : `http://${url}`);
  const port = Number(u.port || 80);
  const rt = ctx.container.rt;
  const resolved = resolveName(rt, ctx.container.pod.namespace, u.hostname);
  if (!resolved) return fail(ctx, `bad address '${u.host}'`, 1);
  if (!quiet) ctx.stderr.write(`Connecting to ${u.host} (${resolved.addresses[0]}:${port})\n`);
  const r = await rt.network.request({
    fromPod: ctx.container.pod,
    method: 'GET',
    url: u.toString(),
    headers: [
      ['Host', u.host],
      ['User-Agent', 'Wget'],
      ['Connection', 'close'],
    ],
    timeoutMs: timeoutSec * 1000,
  });
  if (isNetworkError(r)) {
    if (r.error === 'timeout') return fail(ctx, 'download timed out', 1);
    if (r.error === 'dns') return fail(ctx, `bad address '${u.host}'`, 1);
    return fail(
      ctx,
      `can't connect to remote host (${resolved.addresses[0]}): ${r.error === 'reset' ? 'Connection reset by peer' : 'Connection refused'}`,
      1,
    );
  }
  if (serverResponse)
    ctx.stderr.write(
      `  ${r.httpVersion} ${r.status} ${r.statusText}\n${r.headers.map(([k, v]) => `  ${k}: ${v}\n`).join('')}`,
    );
  if (r.status >= 400) return fail(ctx, `server returned error: ${r.httpVersion} ${r.status} ${r.statusText}`, 1);
  const file = output ?? (u.pathname.split('/').pop() || 'index.html');
  if (file === '-') {
    if (!quiet) ctx.stderr.write('writing to stdout\n');
    ctx.stdout.write(r.body);
    if (!quiet)
      ctx.stderr.write(
        `-                    100% |********************************|   ${r.body.length}  0:00:00 ETA\nwritten to stdout\n`,
      );
  } else {
    const w = ctx.fs.write(ctx.fs.resolve(ctx.cwd, file), r.body.toString(), false);
    if (!w.ok) return fail(ctx, `can't open '${file}': ${w.error}`, 1);
    if (!quiet)
      ctx.stderr.write(
        `saving to '${file}'\n${file.padEnd(20)} 100% |********************************|   ${r.body.length}  0:00:00 ETA\n'${file}' saved\n`,
      );
  }
  return 0;
};

export const NET_COMMANDS: Record<string, Command> = {nslookup, getent, wget};
