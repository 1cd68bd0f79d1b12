/**
 * One run of a sandbox command over an upgraded socket: turns the shim's frames into a CommandIO, runs the
 * command, sends its output and exit code back. A command that throws exits 1 with its message (never a stack on
 * the learner's screen, never a crashed lab).
 */
import type {Duplex} from 'node:stream';
import type {SandboxCommand} from '../commands/types';
import {encodeFrame, Frame, FrameReader} from './command-frames';
import type {CommandHello} from './control-request';
import type {LearnerSandbox} from './learner-sandbox';
import type {CommandIO} from '../kit/command-io';
export async function runCommandSession(
  socket: Duplex,
  hello: CommandHello,
  command: SandboxCommand,
  sandbox: LearnerSandbox,
): Promise<void> {
  const abort = new AbortController();
  const lines: string[] = [];
  let partial = '';
  let ended = false;
  let wanted = false;
  let waiter: (() => void) | undefined;
  const wake = () => {
    const w = waiter;
    waiter = undefined;
    w?.();
  };
  const reader = new FrameReader((type, payload) => {
    if (type === Frame.stdin) {
      partial += payload.toString('utf8');
      const parts = partial.split('\n');
      partial = parts.pop()!;
      lines.push(...parts.map((l) => l.replace(/\r$/, '')));
      wake();
    } else if (type === Frame.stdinEnd) {
      ended = true;
      wake();
    } else if (type === Frame.resize) {
      try {
        const s = JSON.parse(payload.toString()) as {cols?: number; rows?: number};
        if (Number.isInteger(s.cols) && Number.isInteger(s.rows)) io.size = {cols: s.cols!, rows: s.rows!};
      } catch {
        // a bad resize is ignored, like a terminal would
      }
    }
  });
  socket.on('data', (chunk: Buffer) => {
    try {
      reader.push(chunk);
    } catch {
      socket.destroy();
    }
  });
  socket.on('close', () => {
    abort.abort();
    ended = true;
    wake();
  });
  socket.on('error', () => {});
  const send = (type: number, data: string | Buffer) => {
    if (!socket.destroyed) socket.write(encodeFrame(type, data));
  };
  const output = (type: number) => ({write: (d: string | Buffer) => d.length > 0 && send(type, d)});
  const io: CommandIO = {
    args: hello.args,
    cwd: hello.cwd,
    stdout: output(Frame.stdout),
    stderr: output(Frame.stderr),
    isTTY: hello.isTTY,
    size: hello.size,
    signal: abort.signal,
    startedAt: Date.now(),
    async readLine() {
      if (!wanted) {
        wanted = true;
        send(Frame.wantStdin, '');
      }
      for (;;) {
        if (lines.length) return lines.shift()!;
        if (ended) {
          if (partial) {
            const last = partial;
            partial = '';
            return last;
          }
          return null;
        }
        await new Promise<void>((r) => (waiter = r));
      }
    },
  };
  let code: number;
  try {
    code = await command(io, sandbox);
  } catch (e) {
    io.stderr.write(`${hello.command}: ${e instanceof Error ? e.message : String(e)}\n`);
    code = 1;
  }
  if (!socket.destroyed) socket.end(encodeFrame(Frame.exit, String(code)));
}
