/**
 * The loopback of an attendee's private network namespace (plain Node, no dependencies: it runs inside the
 * bubblewrap sandbox as the attendee's uid, started by the shell launcher before bash, and dies with the namespace).
 *
 * For every unix socket `<dir>/tcp-<port>.sock` in the bridge folder the lab binds read-only into the sandbox, it
 * listens on 127.0.0.1:<port> and [::1]:<port> and pipes each connection to that socket. The lab adds and removes
 * sockets as the attendee's clusters come and go (published ports, `--api-port`), so the folder is watched.
 *
 * Usage: node net-relay.mjs <bridge dir>. It writes `ready` (or `error: …`) on stdout and then closes stdout, so the
 * launcher's `$(node net-relay.mjs dir &)` returns once every socket present at start is listened on.
 */
import {closeSync, openSync, readdirSync, watch, writeSync} from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const SOCKET = /^tcp-(\d{1,5})\.sock$/;
const HOSTS = ['127.0.0.1', '::1'];

const dir = process.argv[2];
/** port → the servers listening for it (one per loopback address that accepted) */
const relays = new Map();

function say(line) {
  try {
    writeSync(1, `${line}\n`);
  } catch {
    // the launcher went away: nothing to tell
  }
  // the launcher reads until stdout closes; fd 1 then becomes /dev/null, since Node's streams look at process.stdout
  closeSync(1);
  openSync('/dev/null', 'w');
}

function listen(port, socketPath) {
  const servers = HOSTS.map((host) => {
    const server = net.createServer((client) => {
      const upstream = net.connect(socketPath);
      const drop = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', drop);
      upstream.on('error', drop);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    // taken (the attendee's own port-forward got there first) or no IPv6: that address only is left out
    server.on('error', () => server.close());
    server.listen({port, host, exclusive: true});
    return server;
  });
  return Promise.all(
    servers.map(
      (s) => new Promise((resolve) => (s.listening ? resolve() : s.once('listening', resolve).once('close', resolve))),
    ),
  ).then(() => servers);
}

let syncing = Promise.resolve();

/** listens for every socket present, stops for every socket gone */
function sync() {
  syncing = syncing.then(async () => {
    let names;
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    const wanted = new Map();
    for (const name of names) {
      const m = SOCKET.exec(name);
      const port = m ? Number(m[1]) : 0;
      if (port > 0 && port < 65536) wanted.set(port, path.join(dir, name));
    }
    for (const [port, servers] of relays) {
      if (wanted.has(port)) continue;
      relays.delete(port);
      for (const s of servers) s.close();
    }
    for (const [port, socketPath] of wanted) {
      // a port that could not be listened on (the attendee's own port-forward has it) is tried again next time
      if (relays.get(port)?.some((s) => s.listening)) continue;
      relays.set(port, await listen(port, socketPath));
    }
  });
  return syncing;
}

if (!dir) {
  say('error: usage: net-relay.mjs <bridge dir>');
  process.exit(2);
}
// Ctrl-C in the terminal and its hangup are bash's business; the relay ends with the sandbox's namespaces
for (const signal of ['SIGINT', 'SIGHUP', 'SIGQUIT']) process.on(signal, () => {});
try {
  watch(dir, () => void sync()).on('error', () => {});
} catch (e) {
  say(`error: cannot watch ${dir}: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
await sync();
say('ready');
