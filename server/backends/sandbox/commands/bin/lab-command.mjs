// The client half of a sandbox command (k3d, docker, ...). Plain JavaScript on purpose: node starts it in ~40 ms,
// where tsx would add ~300 ms to every `k3d`/`docker` a learner types.
//
// It connects to the lab process (LAB_SANDBOX_URL, loopback) with an HTTP upgrade authenticated by the sandbox's
// command token (LAB_SANDBOX_TOKEN), sends argv, cwd, terminal size and isatty flags, then carries bytes:
//   frame = [type u8][length u32 big-endian][payload]
//   server -> client: 1 stdout, 2 stderr, 3 exit (ASCII code), 4 start reading stdin
//   client -> server: 10 stdin data, 11 stdin end, 12 resize (JSON {cols, rows})
// stdin is read only when the command asks (frame 4), so a command that never reads leaves typeahead to bash.
import http from 'node:http';

const [, , command, ...args] = process.argv;
const base = process.env.LAB_SANDBOX_URL;
const token = process.env.LAB_SANDBOX_TOKEN;
if (!base || !token) {
  process.stderr.write(
    `${command}: this is the Ambient Lab sandbox's ${command}; it runs only in a sandbox shell ` +
      '(the lab terminal, `lab sandbox shell`, or after `eval "$(lab sandbox env)"`).\n',
  );
  process.exit(127);
}

const size = () => ({cols: process.stdout.columns || 80, rows: process.stdout.rows || 24});
const hello = {
  command,
  args,
  cwd: process.cwd(),
  isTTY: {stdin: !!process.stdin.isTTY, stdout: !!process.stdout.isTTY, stderr: !!process.stderr.isTTY},
  size: size(),
};

function frame(type, payload) {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload ?? '');
  const head = Buffer.alloc(5);
  head.writeUInt8(type, 0);
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

let exiting = false;
function finish(code) {
  if (exiting) return;
  exiting = true;
  // exit only once what we wrote reached the terminal or pipe
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}
// `k3d cluster list | head -1`: a closed pipe is not an error worth a stack trace
process.stdout.on('error', () => finish(0));

const url = new URL('/run', base);
const req = http.request(url, {
  method: 'POST',
  headers: {
    Connection: 'Upgrade',
    Upgrade: 'lab-command',
    Authorization: `Bearer ${token}`,
    'X-Lab-Command': Buffer.from(JSON.stringify(hello)).toString('base64'),
  },
});
req.on('error', (err) => {
  process.stderr.write(
    `${command}: cannot reach the lab's sandbox at ${base} (${err.code ?? err.message}); is the lab still running?\n`,
  );
  process.exit(1);
});
req.on('response', (res) => {
  let text = '';
  res.setEncoding('utf8');
  res.on('data', (d) => (text += d));
  res.on('end', () => {
    process.stderr.write(`${command}: the lab refused to run it: ${text.trim() || res.statusCode}\n`);
    process.exit(1);
  });
});
req.on('upgrade', (_res, socket, head) => {
  let buf = Buffer.alloc(0);
  let reading = false;
  const onData = (chunk) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    while (buf.length >= 5) {
      const len = buf.readUInt32BE(1);
      if (buf.length < 5 + len) break;
      const type = buf[0];
      const payload = buf.subarray(5, 5 + len);
      buf = buf.subarray(5 + len);
      if (type === 1) process.stdout.write(payload);
      else if (type === 2) process.stderr.write(payload);
      else if (type === 3) {
        socket.end();
        finish(Number(payload.toString()) || 0);
      } else if (type === 4 && !reading) {
        reading = true;
        process.stdin.on('data', (d) => socket.write(frame(10, d)));
        process.stdin.on('end', () => socket.write(frame(11)));
        process.stdin.on('error', () => socket.write(frame(11)));
      }
    }
  };
  socket.on('data', onData);
  // frames sent right after the 101 arrive with it
  if (head && head.length) onData(Buffer.from(head));
  socket.on('close', () => {
    if (!exiting) {
      process.stderr.write(`${command}: the lab closed the connection\n`);
      finish(1);
    }
  });
  socket.on('error', () => {});
  process.stdout.on('resize', () => socket.write(frame(12, JSON.stringify(size()))));
});
req.end();
