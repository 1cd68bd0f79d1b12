/** Run a tool with fixed arguments and a timeout, never through a shell: nothing the user typed is interpolated. */
import {execFile} from 'node:child_process';

export interface ProbeResult {
  ok: boolean;
  stdout: string;
  /** why it failed, one line: "not found", "timed out after 5s", or the tool's own error */
  error?: string;
}

export function probe(file: string, args: readonly string[], timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    execFile(file, args, {timeout: timeoutMs, maxBuffer: 1024 * 1024, encoding: 'utf8'}, (err, stdout, stderr) => {
      if (!err) return resolve({ok: true, stdout: stdout.trim()});
      const e = err as NodeJS.ErrnoException & {killed?: boolean; signal?: string};
      let error: string;
      if (e.code === 'ENOENT') error = 'not found';
      else if (e.killed || e.signal === 'SIGTERM') error = `timed out after ${Math.round(timeoutMs / 1000)}s`;
      else error = firstLine(stderr) || firstLine(stdout) || e.message;
      resolve({ok: false, stdout: stdout.trim(), error});
    });
  });
}

export function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? ''
  );
}
