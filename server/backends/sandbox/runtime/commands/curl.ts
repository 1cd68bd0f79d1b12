import type {Command, CommandContext} from '../shell/shell';
import {isNetworkError, type HeaderList, type NetworkError, type NetworkResponse} from '../net/network-model';
import {normalizeUrl, parseCurlArgs, type CurlOptions} from './curl-args';

/** curl's messages and exit codes for each way a transfer fails */
function failure(e: NetworkError, elapsedMs: number, opts: CurlOptions): {code: number; message: string} {
  switch (e.error) {
    case 'dns':
      return {code: 6, message: `Could not resolve host: ${e.host}`};
    case 'connect-refused':
      return {
        code: 7,
        message: `Failed to connect to ${e.host} port ${e.port} after ${elapsedMs} ms: Could not connect to server`,
      };
    case 'reset':
      return {code: 56, message: 'Recv failure: Connection reset by peer'};
    case 'timeout':
      return opts.connectTimeoutSec !== undefined &&
        (opts.maxTimeSec === undefined || opts.connectTimeoutSec < opts.maxTimeSec)
        ? {code: 28, message: `Connection timed out after ${elapsedMs} milliseconds`}
        : {code: 28, message: `Operation timed out after ${elapsedMs} milliseconds with 0 bytes received`};
  }
}

/** -w: the variables scripts use */
function writeOut(fmt: string, v: Record<string, string>): string {
  return fmt
    .replace(/%\{(\w+)\}/g, (m, k: string) => v[k] ?? m)
    .replace(/\\n/g, '\n')
    .replace(/\\t/g, '\t')
    .replace(/\\r/g, '\r');
}

const progressHeader =
  '  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n                                 Dload  Upload   Total   Spent    Left  Speed\n';
function progressLine(bytes: number): string {
  const n = String(bytes).padStart(5);
  const speed = String(Math.max(bytes * 50, 0)).padStart(6);
  return `\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0\r100 ${n}  100 ${n}    0     0 ${speed}      0 --:--:-- --:--:-- --:--:-- ${speed}\n`;
}

/** where -D sends the headers of each response */
type HeaderSink = (head: string) => void;

/** "8.16.0" is at least 8.10.0 */
function versionAtLeast(version: string, want: [number, number, number]): boolean {
  const have = version.split('.').map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < 3; i++) if ((have[i] ?? 0) !== want[i]) return (have[i] ?? 0) > want[i]!;
  return true;
}

/**
 * -D's target, opened before the first transfer (curl src/tool_operate.c setup_headerfile): `-` is stdout, `%`
 * stderr from curl 8.10.0 (a file name before), anything else a file the first transfer truncates and every transfer
 * appends to, so it exists, empty, even when no header arrives (curl issue #3964).
 */
function openHeaderSink(ctx: CommandContext, target: string, version: string): HeaderSink | {error: string} {
  if (target === '-') return (h) => ctx.stdout.write(h);
  if (target === '%' && versionAtLeast(version, [8, 10, 0])) return (h) => ctx.stderr.write(h);
  const path = ctx.fs.resolve(ctx.cwd, target);
  if (path === '/dev/stdout') return (h) => ctx.stdout.write(h);
  if (path === '/dev/stderr') return (h) => ctx.stderr.write(h);
  if (!ctx.fs.write(path, '', false).ok) return {error: `Failed to open ${target}`};
  return (h) => void ctx.fs.write(path, h, true);
}

/** curl for one or more URLs through the runtime's NetworkModel; exit status of the last failure, as curl does */
export const curl: Command = async (ctx) => {
  const parsed = parseCurlArgs(ctx.argv.slice(1));
  if (!parsed.ok) {
    ctx.stderr.write(`${parsed.message}\n`);
    return parsed.code;
  }
  const o = parsed.opts;
  const version = ctx.env.CURL_VERSION ?? '7.88.1';
  const showErrors = !o.silent || o.showError;
  const progress = !o.silent && !o.verbose && (!ctx.tty || o.output !== undefined);
  let dump: HeaderSink | undefined;
  if (o.dumpHeader !== undefined) {
    const sink = openHeaderSink(ctx, o.dumpHeader, version);
    if (typeof sink !== 'function') {
      if (showErrors) ctx.stderr.write(`curl: ${sink.error}\n`);
      return 23;
    }
    dump = sink;
  }
  let status = 0;
  for (const raw of o.urls) {
    const url = normalizeUrl(raw);
    if (!url || !url.hostname) {
      if (showErrors) ctx.stderr.write(`curl: (3) URL rejected: Malformed input to a URL function\n`);
      status = 3;
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      if (showErrors) ctx.stderr.write(`curl: (1) Protocol "${url.protocol.replace(':', '')}" not supported\n`);
      status = 1;
      continue;
    }
    status = await transfer(ctx, o, url, version, showErrors, progress, dump);
  }
  return status;
};

async function transfer(
  ctx: CommandContext,
  o: CurlOptions,
  url: URL,
  version: string,
  showErrors: boolean,
  progress: boolean,
  dump: HeaderSink | undefined,
): Promise<number> {
  const method = o.method ?? (o.head ? 'HEAD' : o.data !== undefined ? 'POST' : 'GET');
  const defaultPort = url.protocol === 'https:' ? 443 : 80;
  const port = Number(url.port || defaultPort);
  const hostHeader = url.port ? `${url.hostname}:${url.port}` : url.hostname;
  const headers: HeaderList = [
    ['Host', hostHeader],
    ['User-Agent', o.userAgent ?? `curl/${version}`],
    ['Accept', '*/*'],
  ];
  if (o.data !== undefined)
    headers.push(
      ['Content-Length', String(Buffer.byteLength(o.data))],
      ['Content-Type', 'application/x-www-form-urlencoded'],
    );
  for (const h of o.headers) {
    const i = h.indexOf(':');
    if (i <= 0) continue;
    const name = h.slice(0, i).trim();
    const value = h.slice(i + 1).trim();
    const at = headers.findIndex(([k]) => k.toLowerCase() === name.toLowerCase());
    // "-H 'X:'" removes a header, as in curl
    if (at >= 0) {
      if (value === '') headers.splice(at, 1);
      else headers[at] = [name, value];
    } else if (value !== '') headers.push([name, value]);
  }
  const timeoutMs = (o.maxTimeSec ?? o.connectTimeoutSec ?? 300) * 1000;
  const started = ctx.container.rt.clock.now().getTime();
  const verbose = (s: string) => o.verbose && ctx.stderr.write(s);
  const network = ctx.container.rt.network;
  if (progress) ctx.stderr.write(progressHeader);
  const result = await Promise.race([
    network.request({
      fromPod: ctx.container.pod,
      fromContainer: ctx.container.container.name,
      method,
      url: url.toString(),
      headers,
      body: o.data !== undefined ? Buffer.from(o.data) : undefined,
      timeoutMs,
    }),
    new Promise<NetworkError>((resolve) =>
      ctx.signal.addEventListener('abort', () => resolve({error: 'timeout', host: url.hostname, port}), {once: true}),
    ),
  ]);
  if (ctx.signal.aborted) return 130;
  const elapsed = Math.max(1, ctx.container.rt.clock.now().getTime() - started);
  const vars: Record<string, string> = {
    http_code: '000',
    response_code: '000',
    url_effective: url.toString(),
    time_total: (elapsed / 1000).toFixed(6),
    size_download: '0',
    remote_ip: '',
    remote_port: '',
    content_type: '',
    method,
    num_connects: '0',
    exitcode: '0',
    errormsg: '',
  };

  if (isNetworkError(result)) {
    if (result.error !== 'dns') {
      verbose(
        `* Host ${hostHeader} was resolved.\n* IPv6: (none)\n* IPv4: ${result.ip ?? url.hostname}\n*   Trying ${result.ip ?? url.hostname}:${port}...\n`,
      );
    }
    const f = failure(result, elapsed, o);
    if (progress)
      ctx.stderr.write(`\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0\n`);
    verbose(`* ${f.message}\n* closing connection #0\n`);
    if (o.writeOut) ctx.stdout.write(writeOut(o.writeOut, {...vars, exitcode: String(f.code), errormsg: f.message}));
    if (showErrors) ctx.stderr.write(`curl: (${f.code}) ${f.message}\n`);
    return f.code;
  }
  return respond(ctx, o, url, method, headers, result, vars, showErrors, progress, verbose, hostHeader, dump);
}

function respond(
  ctx: CommandContext,
  o: CurlOptions,
  url: URL,
  method: string,
  headers: HeaderList,
  r: NetworkResponse,
  vars: Record<string, string>,
  showErrors: boolean,
  progress: boolean,
  verbose: (s: string) => unknown,
  hostHeader: string,
  dump: HeaderSink | undefined,
): number {
  verbose(
    `* Host ${hostHeader} was resolved.\n* IPv6: (none)\n* IPv4: ${r.remoteIp}\n*   Trying ${r.remoteIp}:${r.remotePort}...\n* Connected to ${url.hostname} (${r.remoteIp}) port ${r.remotePort}\n* using HTTP/1.x\n`,
  );
  verbose(
    `> ${method} ${url.pathname}${url.search} HTTP/1.1\r\n${headers.map(([k, v]) => `> ${k}: ${v}\r\n`).join('')}> \r\n`,
  );
  if (o.data !== undefined) verbose(`} [${Buffer.byteLength(o.data)} bytes data]\n`);
  verbose(
    `* upload completely sent off: ${Buffer.byteLength(o.data ?? '')} bytes\n`.replace(
      /^.*: 0 bytes\n$/,
      '* Request completely sent off\n',
    ),
  );
  const head = `${r.httpVersion} ${r.status} ${r.statusText}\r\n${r.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  verbose(
    head
      .split('\r\n')
      .slice(0, -1)
      .map((l) => `< ${l}\r\n`)
      .join(''),
  );
  const body = method === 'HEAD' ? Buffer.alloc(0) : r.body;
  const ct = r.headers.find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
  Object.assign(vars, {
    http_code: String(r.status).padStart(3, '0'),
    response_code: String(r.status),
    size_download: String(body.length),
    remote_ip: r.remoteIp,
    remote_port: String(r.remotePort),
    content_type: ct,
    num_connects: '1',
  });

  // the headers go out as they arrive: to -D, and with -i/-I to the output, before --fail looks at the status
  // (since curl 7.75.0, curl PR #6409: CURLOPT_FAILONERROR fails after all headers)
  dump?.(head);
  const out = o.output && o.output !== '-' ? o.output : undefined;
  const emit = (payload: Buffer): number | undefined => {
    if (!out) {
      ctx.stdout.write(payload);
      return undefined;
    }
    if (ctx.fs.write(ctx.fs.resolve(ctx.cwd, out), payload.toString(), false).ok) return undefined;
    if (showErrors)
      ctx.stderr.write(`curl: (23) Failure writing output to destination, passed ${payload.length} returned 0\n`);
    return 23;
  };
  const shownHead = o.head || o.include ? Buffer.from(head) : Buffer.alloc(0);
  if (o.fail && r.status >= 400) {
    if (shownHead.length) {
      const failed = emit(shownHead);
      if (failed) return failed;
    }
    if (progress) ctx.stderr.write(progressLine(0));
    verbose(`* The requested URL returned error: ${r.status}\n* closing connection #0\n`);
    if (o.writeOut) ctx.stdout.write(writeOut(o.writeOut, {...vars, exitcode: '22'}));
    if (showErrors) ctx.stderr.write(`curl: (22) The requested URL returned error: ${r.status}\n`);
    return 22;
  }
  const failed = emit(Buffer.concat([shownHead, body]));
  if (failed) return failed;
  if (o.verbose && body.length) ctx.stderr.write(`{ [${body.length} bytes data]\n`);
  if (progress) ctx.stderr.write(progressLine(body.length));
  verbose(`* Connection #0 to host ${url.hostname} left intact\n`);
  if (o.writeOut) ctx.stdout.write(writeOut(o.writeOut, vars));
  return 0;
}
