import type {Command} from '../shell/shell';
import {SHELL_BUILTIN_COMMANDS} from './builtins';
import {curl} from './curl';
import {FILE_COMMANDS, MORE_FILE_COMMANDS} from './files';
import {NET_COMMANDS} from './net-tools';
import {sh} from './sh';
import {tar} from './tar';
import {SYSTEM_COMMANDS} from './system';

/**
 * Every command the runtime can run. An image's `commands` list says which of them exist in that image; add a
 * command here and to the images that ship it.
 */
export function defaultCommands(): Map<string, Command> {
  return new Map<string, Command>(
    Object.entries({
      ...SHELL_BUILTIN_COMMANDS,
      ...FILE_COMMANDS,
      ...MORE_FILE_COMMANDS,
      ...SYSTEM_COMMANDS,
      ...NET_COMMANDS,
      curl,
      tar,
      sh,
      ash: sh,
      dash: sh,
      bash: sh,
    }),
  );
}
