/**
 * HTTP/1 on a raw connection as the sandbox's listeners serve it (runtime/net/http1-wire.ts, Node's llhttp): what
 * a parser makes right, checked byte for byte against what each app's real server writes (wire-servers.ts cites
 * the sources). A real TCP listener on port 0 and raw sockets; no kubectl.
 */
import assert from 'node:assert/strict';
import net, {type AddressInfo} from 'node:net';
import {after, before, describe, it} from 'node:test';
import {serveHttp1, type WireHandler, type WireRequest} from '../../server/backends/sandbox/runtime/net/http1-wire';
import {
  GO_NET_HTTP,
  GUNICORN,
  nginxServer,
  type WireServer,
} from '../../server/backends/sandbox/runtime/net/wire-servers';

const NOW = new Date('2026-12-08T01:02:03Z');

/** a listener serving `handle` as `server` would; the requests it got */
async function listen(handle: WireHandler, server: WireServer = GO_NET_HTTP) {
  const seen: WireRequest[] = [];
  const srv = net.createServer((socket) =>
    serveHttp1(
      socket,
      (req) => {
        seen.push(req);
        return handle(req);
      },
      server,
    ),
  );
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return {port: (srv.address() as AddressInfo).port, seen, close: () => srv.close()};
}

/** sends `parts` (each its own write), optionally half-closes, and collects everything until the server closes */
async function exchange(port: number, parts: (string | Buffer)[], opts: {halfClose?: boolean} = {}): Promise<string> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  let got = '';
  socket.on('data', (d: Buffer) => (got += d.toString('latin1')));
  const closed = new Promise<void>((resolve, reject) => {
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
  for (const p of parts) socket.write(p);
  if (opts.halfClose) socket.end();
  await closed;
  return got;
}

/** an echo app: the request line, the body's length, closing when asked (as go-http.ts does for Go apps) */
const echo: WireHandler = async (req) => ({
  status: 200,
  statusText: 'OK',
  headers: [['Content-Length', String(`${req.method} ${req.target} ${req.body.length}`.length)]],
  body: `${req.method} ${req.target} ${req.body.length}`,
});

const GO_400 =
  'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request';

describe('HTTP/1 on a raw connection (llhttp), as each app server answers', () => {
  let go: Awaited<ReturnType<typeof listen>>;
  before(async () => (go = await listen(echo)));
  after(() => go.close());

  it("answers a malformed request line with Go's 400 and closes", async () => {
    assert.equal(await exchange(go.port, ['GARBAGE\r\n\r\n']), GO_400);
    assert.equal(await exchange(go.port, ['GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n']), GO_400);
  });

  it("answers a head past net/http's MaxHeaderBytes with its 431", async () => {
    const big = `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat((1 << 20) + 8192)}\r\n\r\n`;
    assert.equal(
      await exchange(go.port, [big]),
      'HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n431 Request Header Fields Too Large',
    );
  });

  it('answers an HTTP/1.1 request without Host as net/http (statusError), and takes HTTP/1.0 without one', async () => {
    assert.equal(
      await exchange(go.port, ['GET / HTTP/1.1\r\n\r\n']),
      'HTTP/1.1 400 Bad Request: missing required Host header\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request: missing required Host header',
    );
    assert.equal(
      await exchange(go.port, ['GET /old HTTP/1.0\r\n\r\n']),
      'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nGET /old 0',
    );
  });

  it('answers pipelined requests in order, even when the first one is slower', async () => {
    let release!: () => void;
    const slowFirst = new Promise<void>((r) => (release = r));
    const app = await listen(async (req) => {
      if (req.target === '/slow') await slowFirst;
      return echo(req);
    });
    const done = exchange(app.port, [
      'GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\nGET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    ]);
    // the slow one is with the app; the others wait behind it (one request at a time, as net/http serves a conn)
    while (app.seen.length < 1) await new Promise((r) => setImmediate(r));
    release();
    assert.equal(
      await done,
      'HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nGET /slow 0' +
        'HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nGET /fast 0' +
        'HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nGET /last 0',
    );
    app.close();
  });

  it('reads a chunked upload sent in pieces, with a chunk extension and a trailer', async () => {
    const got = await exchange(go.port, [
      'POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5;ext=1\r\nhel',
      'lo\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n',
    ]);
    assert.equal(got, 'HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nPOST /up 11');
    assert.equal(go.seen.at(-1)!.body.toString(), 'hello world');
  });

  it('a client that half-closes after its requests gets every answer, then the close', async () => {
    const got = await exchange(
      go.port,
      ['GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nxyz'],
      {halfClose: true},
    );
    assert.equal(
      got,
      'HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nGET /a 0HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nPOST /b 3',
    );
  });

  it('a client that half-closes inside a head: Go answers 400 (io.ErrUnexpectedEOF), nginx and gunicorn close', async () => {
    assert.equal(await exchange(go.port, ['GET / HTTP/1.1\r\nHost: x\r\n'], {halfClose: true}), GO_400);
    const ngx = await listen(
      echo,
      nginxServer(() => NOW),
    );
    assert.equal(await exchange(ngx.port, ['GET / HTTP/1.1\r\nHost: x\r\n'], {halfClose: true}), '');
    ngx.close();
  });

  it('sends 100 Continue to a client that waits for it, then reads its body', async () => {
    const socket = net.connect(go.port, '127.0.0.1');
    let got = '';
    const continued = new Promise<void>((resolve) =>
      socket.on('data', (d: Buffer) => {
        got += d.toString('latin1');
        if (got === 'HTTP/1.1 100 Continue\r\n\r\n') resolve();
      }),
    );
    const closed = new Promise((r) => socket.on('close', r));
    socket.write(
      'PUT /x HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\nConnection: close\r\n\r\n',
    );
    await continued;
    socket.write('abcd');
    await closed;
    assert.equal(got, 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nPUT /x 4');
  });

  it('answers an h2c Upgrade as a plain request and reads on (curl --http2 on http://)', async () => {
    const got = await exchange(go.port, [
      'GET /up HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n' +
        'GET /next HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    ]);
    assert.equal(
      got,
      'HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nGET /up 0HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nGET /next 0',
    );
  });

  it("answers a bad request after a good one in order: the good one's answer, then the 400", async () => {
    const got = await exchange(go.port, ['GET /ok HTTP/1.1\r\nHost: x\r\n\r\nNOT HTTP\r\n\r\n']);
    assert.equal(got, `HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nGET /ok 0${GO_400}`);
  });

  it('nginx answers a bad request with its 400 page and a big head with its 494 page (ngx_http_special_response.c)', async () => {
    const ngx = await listen(
      echo,
      nginxServer(() => NOW),
    );
    const page400 =
      '<html>\r\n<head><title>400 Bad Request</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<hr><center>nginx/1.27.3</center>\r\n</body>\r\n</html>\r\n';
    assert.equal(page400.length, 157);
    assert.equal(
      await exchange(ngx.port, ['GET / HTTP/1.1\r\nHost: x\r\nno colon\r\n\r\n']),
      `HTTP/1.1 400 Bad Request\r\nServer: nginx/1.27.3\r\nDate: Tue, 08 Dec 2026 01:02:03 GMT\r\nContent-Type: text/html\r\nContent-Length: 157\r\nConnection: close\r\n\r\n${page400}`,
    );
    const big = await exchange(ngx.port, [`GET / HTTP/1.1\r\nHost: x\r\nCookie: ${'c'.repeat(40000)}\r\n\r\n`]);
    assert.match(big, /^HTTP\/1\.1 400 Bad Request\r\nServer: nginx\/1\.27\.3\r\n/);
    assert.ok(
      big.endsWith(
        '<head><title>400 Request Header Or Cookie Too Large</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>Request Header Or Cookie Too Large</center>\r\n<hr><center>nginx/1.27.3</center>\r\n</body>\r\n</html>\r\n',
      ),
      big,
    );
    ngx.close();
  });

  it("gunicorn answers a bad request line with write_error's page naming it", async () => {
    const gun = await listen(echo, GUNICORN);
    const html =
      '<html>\n  <head>\n    <title>Bad Request</title>\n  </head>\n  <body>\n    <h1><p>Bad Request</p></h1>\n    Invalid Request Line &#x27;Invalid HTTP request line: &#x27;GARBAGE&#x27;&#x27;\n  </body>\n</html>\n';
    assert.equal(
      await exchange(gun.port, ['GARBAGE\r\n\r\n']),
      `HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/html\r\nContent-Length: ${html.length}\r\n\r\n${html}`,
    );
    gun.close();
  });
});
