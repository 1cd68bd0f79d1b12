/**
 * The ustar archive format (POSIX.1-1988, as Go's archive/tar writes for `kubectl cp` and busybox tar reads and
 * writes): 512-byte headers, contents padded to 512 bytes, two zero blocks at the end. Regular files and
 * directories only; GNU/PAX long-name records are skipped when read, names longer than ustar's 255 bytes are refused
 * when written.
 */
export interface TarEntry {
  name: string;
  type: 'file' | 'dir' | 'other';
  mode: number;
  data: Buffer;
  mtime: number;
}

const BLOCK = 512;

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, '0')}\0`;
}

/** one ustar header: name split into prefix/name at a slash when longer than 100 bytes */
function header(e: TarEntry): Buffer {
  const h = Buffer.alloc(BLOCK);
  let name = e.name;
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw new Error(`${e.name}: name too long`);
    prefix = name.slice(0, cut);
    name = name.slice(cut + 1);
  }
  h.write(name, 0, 100, 'utf8');
  h.write(octal(e.mode & 0o7777, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii'); // uid
  h.write(octal(0, 8), 116, 'ascii'); // gid
  h.write(octal(e.type === 'file' ? e.data.length : 0, 12), 124, 'ascii');
  h.write(octal(Math.floor(e.mtime), 12), 136, 'ascii');
  h.write(e.type === 'dir' ? '5' : '0', 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write('root', 265, 'ascii');
  h.write('root', 297, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  // the checksum is computed with its own field as spaces
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

export function packTar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(header(e));
    if (e.type === 'file' && e.data.length) {
      parts.push(e.data);
      const pad = (BLOCK - (e.data.length % BLOCK)) % BLOCK;
      if (pad) parts.push(Buffer.alloc(pad));
    }
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

const text = (b: Buffer, at: number, len: number) => {
  const s = b.subarray(at, at + len);
  const end = s.indexOf(0);
  return (end < 0 ? s : s.subarray(0, end)).toString('utf8');
};
const num = (b: Buffer, at: number, len: number) => parseInt(text(b, at, len).trim() || '0', 8);

/** read an archive; throws on a damaged header (busybox: "tar: invalid tar header checksum") */
export function unpackTar(archive: Buffer): TarEntry[] {
  const out: TarEntry[] = [];
  let longName: string | undefined;
  for (let at = 0; at + BLOCK <= archive.length;) {
    const h = archive.subarray(at, at + BLOCK);
    if (h.every((b) => b === 0)) break;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
    if (sum !== num(h, 148, 8)) throw new Error('invalid tar header checksum');
    const size = num(h, 124, 12);
    const data = archive.subarray(at + BLOCK, at + BLOCK + size);
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    const flag = String.fromCharCode(h[156] || 0x30);
    // GNU long name ('L') and PAX headers ('x', 'g'): keep the long name, skip the rest
    if (flag === 'L') {
      longName = text(data, 0, data.length);
      continue;
    }
    if (flag === 'x' || flag === 'g') {
      const path = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'))?.[1];
      if (path && flag === 'x') longName = path;
      continue;
    }
    const prefix = h.subarray(257, 262).toString('ascii') === 'ustar' ? text(h, 345, 155) : '';
    const name = longName ?? (prefix ? `${prefix}/${text(h, 0, 100)}` : text(h, 0, 100));
    longName = undefined;
    const type = flag === '0' || flag === '7' ? 'file' : flag === '5' ? 'dir' : 'other';
    out.push({name, type, mode: num(h, 100, 8), data: Buffer.from(data), mtime: num(h, 136, 12)});
  }
  return out;
}
