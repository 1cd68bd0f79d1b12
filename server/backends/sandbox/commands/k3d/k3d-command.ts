/** The shape of one k3d (cobra) command: how it is invoked, its flags, and what it does with them. */
import type {CommandSandbox} from '../types';
import type {K3dLog} from './k3d-log';
import type {FlagSpec, Parsed} from '../../kit/flags';
import type {CommandIO} from '../../kit/command-io';

export interface K3dContext {
  io: CommandIO;
  sandbox: CommandSandbox;
  log: K3dLog;
  parsed: Parsed;
}

export interface K3dCommand {
  /** ["cluster", "create"] */
  path: string[];
  aliases?: string[];
  /** "k3d cluster create NAME" */
  use: string;
  short: string;
  flags: FlagSpec[];
  /** cobra's Args check: max positionals */
  maxArgs?: number;
  /** cobra's ExactArgs */
  exactArgs?: number;
  run(ctx: K3dContext): Promise<number>;
}

export const GLOBAL_FLAGS: FlagSpec[] = [
  {name: 'help', short: 'h', type: 'bool', usage: 'help for this command'},
  {name: 'timestamps', type: 'bool', usage: 'Enable Log timestamps'},
  {name: 'trace', type: 'bool', usage: 'Enable super verbose output (trace logging)'},
  {name: 'verbose', type: 'bool', usage: 'Enable verbose output (debug logging)'},
];
