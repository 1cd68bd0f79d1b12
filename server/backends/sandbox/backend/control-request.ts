/**
 * What the command server takes from other processes, checked before anything acts on it:
 * - `POST /control` bodies: `lab sandbox env|list|reset|delete` asked by another `lab` process;
 * - the `X-Lab-Command` header of a shim's upgrade: which command, its argv, cwd, terminal flags and size.
 */
import {z} from 'zod';
import {explainIssues} from '../api/explain-issues';

export const controlRequest = z.discriminatedUnion('op', [
  z.object({op: z.literal('env'), learner: z.string().min(1)}),
  z.object({op: z.literal('list')}),
  z.object({op: z.literal('reset'), name: z.string().min(1)}),
  z.object({op: z.literal('delete'), name: z.string().min(1)}),
]);

export type ControlRequest = z.infer<typeof controlRequest>;

/** a control request from a body, or why it is not one */
export function parseControlRequest(body: string): {ok: true; request: ControlRequest} | {ok: false; error: string} {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    return {ok: false, error: 'body is not JSON'};
  }
  const r = controlRequest.safeParse(v);
  return r.success ? {ok: true, request: r.data} : {ok: false, error: `bad control request: ${explainIssues(r.error)}`};
}

const terminalSize = z.number().int().positive().lt(10_000);

export const commandHello = z.object({
  command: z.string(),
  args: z.array(z.string()),
  cwd: z.string(),
  // isatty of the shim's stdin, stdout and stderr; one left out is not a terminal
  isTTY: z.object({
    stdin: z.boolean().default(false),
    stdout: z.boolean().default(false),
    stderr: z.boolean().default(false),
  }),
  size: z.object({cols: terminalSize, rows: terminalSize}),
});

export type CommandHello = z.infer<typeof commandHello>;

/** the hello from the header (base64 JSON), or why it is not one */
export function parseHello(header: string | undefined): {ok: true; hello: CommandHello} | {ok: false; error: string} {
  if (!header) return {ok: false, error: 'no X-Lab-Command header'};
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
  } catch {
    return {ok: false, error: 'the command header is not base64 JSON'};
  }
  const r = commandHello.safeParse(v);
  return r.success
    ? {ok: true, hello: r.data}
    : {ok: false, error: `malformed command header: ${explainIssues(r.error)}`};
}
