/** `docker inspect [-f FORMAT] NAME|ID...` (and `docker container inspect`) of k3d's node containers. */
import {nodeContainers} from '../../cluster/cluster-record';
import type {CommandIO} from '../../kit/command-io';
import {FlagError, parseFlags} from '../../kit/flags';
import type {CommandSandbox} from '../types';
import {containerRows} from './docker-ps';
import {renderTemplate, TemplateError} from './go-template';
import {inspectDocument} from './node-container';

export async function dockerInspect(io: CommandIO, sandbox: CommandSandbox, argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseFlags(argv, [
      {name: 'format', short: 'f', type: 'string', default: '', usage: 'Format output using a custom template'},
      {name: 'size', short: 's', type: 'bool', usage: 'Display total file sizes if the type is container'},
      {name: 'type', type: 'string', default: '', usage: 'Return JSON for specified type'},
    ]);
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    io.stderr.write(`${e.message}\nSee 'docker inspect --help'.\n`);
    return 125;
  }
  if (!parsed.args.length) {
    io.stderr.write(
      `"docker inspect" requires at least 1 argument.\nSee 'docker inspect --help'.\n\nUsage:  docker inspect [OPTIONS] NAME|ID [NAME|ID...]\n\nReturn low-level information on Docker objects\n`,
    );
    return 1;
  }
  const c = sandbox.cluster;
  const rows = containerRows(c);
  const docs: Record<string, unknown>[] = [];
  let code = 0;
  for (const target of parsed.args) {
    const row = rows.find((r) => r.name === target || (/^[0-9a-f]+$/.test(target) && r.id.startsWith(target)));
    if (!c || !row) {
      io.stderr.write(`Error: No such object: ${target}\n`);
      code = 1;
      continue;
    }
    docs.push(
      inspectDocument(
        c,
        nodeContainers(c).find((n) => n.name === row.name)!,
      ),
    );
  }
  const format = String(parsed.flags.format);
  if (format) {
    try {
      for (const d of docs) io.stdout.write(`${renderTemplate(format, d)}\n`);
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      io.stderr.write(`${e.message}\n`);
      return 1;
    }
  } else io.stdout.write(`${JSON.stringify(docs, null, 4)}\n`);
  return code;
}
