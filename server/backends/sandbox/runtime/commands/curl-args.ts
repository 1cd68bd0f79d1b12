/** curl's command line, parsed the way curl 8 reads it (combined short flags, attached values, long options). */
export interface CurlOptions {
  urls: string[];
  method?: string;
  headers: string[];
  data?: string;
  silent: boolean;
  showError: boolean;
  verbose: boolean;
  head: boolean;
  include: boolean;
  fail: boolean;
  output?: string;
  /** -D: where the received headers go (`-` stdout, `%` stderr from 8.10.0, else a file) */
  dumpHeader?: string;
  writeOut?: string;
  maxTimeSec?: number;
  connectTimeoutSec?: number;
  userAgent?: string;
  followRedirects: boolean;
}

export type CurlParse = {ok: true; opts: CurlOptions} | {ok: false; message: string; code: number};

/** short options that take a value */
const SHORT_VALUE = new Set([
  'D',
  'H',
  'X',
  'd',
  'o',
  'w',
  'm',
  'A',
  'e',
  'u',
  'x',
  'b',
  'c',
  'F',
  'T',
  'r',
  'E',
  'K',
  'Y',
  'y',
  'z',
  'C',
  'Q',
]);
const SHORT_FLAG = new Set([
  's',
  'S',
  'v',
  'I',
  'i',
  'f',
  'L',
  'k',
  'O',
  'g',
  'G',
  'N',
  'q',
  'n',
  '4',
  '6',
  '0',
  '1',
  '2',
  '3',
  'j',
  'J',
  'l',
  'M',
  'p',
  'R',
  'V',
  'Z',
  'a',
  'B',
]);
const LONG: Record<string, {short?: string; value: boolean}> = {
  silent: {short: 's', value: false},
  'show-error': {short: 'S', value: false},
  verbose: {short: 'v', value: false},
  head: {short: 'I', value: false},
  include: {short: 'i', value: false},
  fail: {short: 'f', value: false},
  location: {short: 'L', value: false},
  insecure: {short: 'k', value: false},
  header: {short: 'H', value: true},
  request: {short: 'X', value: true},
  data: {short: 'd', value: true},
  'data-raw': {short: 'd', value: true},
  'data-binary': {short: 'd', value: true},
  'data-ascii': {short: 'd', value: true},
  output: {short: 'o', value: true},
  'dump-header': {short: 'D', value: true},
  'write-out': {short: 'w', value: true},
  'max-time': {short: 'm', value: true},
  'user-agent': {short: 'A', value: true},
  'connect-timeout': {value: true},
  'fail-with-body': {short: 'f', value: false},
  http1: {value: false},
  'http1.1': {value: false},
  http2: {value: false},
  'no-progress-meter': {short: 's', value: false},
  url: {value: true},
  json: {value: true},
  retry: {value: true},
  resolve: {value: true},
  noproxy: {value: true},
  compressed: {value: false},
};

export function parseCurlArgs(args: string[]): CurlParse {
  const o: CurlOptions = {
    urls: [],
    headers: [],
    silent: false,
    showError: false,
    verbose: false,
    head: false,
    include: false,
    fail: false,
    followRedirects: false,
  };
  const apply = (flag: string, value: string | undefined, long?: string): CurlParse | undefined => {
    switch (flag) {
      case 's':
        o.silent = true;
        break;
      case 'S':
        o.showError = true;
        break;
      case 'v':
        o.verbose = true;
        break;
      case 'I':
        o.head = true;
        break;
      case 'i':
        o.include = true;
        break;
      case 'f':
        o.fail = true;
        break;
      case 'L':
        o.followRedirects = true;
        break;
      case 'H':
        o.headers.push(value!);
        break;
      case 'X':
        o.method = value;
        break;
      case 'd':
        o.data = o.data === undefined ? value : `${o.data}&${value}`;
        break;
      case 'o':
        o.output = value;
        break;
      case 'D':
        o.dumpHeader = value;
        break;
      case 'w':
        o.writeOut = value;
        break;
      case 'A':
        o.userAgent = value;
        break;
      case 'm': {
        const n = Number(value);
        if (!Number.isFinite(n))
          return {
            ok: false,
            message: `curl: option ${long ? `--${long}` : '-m'}: expected a proper numerical parameter`,
            code: 2,
          };
        o.maxTimeSec = n;
        break;
      }
    }
    return undefined;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      const spec = LONG[name];
      if (!spec)
        return {
          ok: false,
          message: `curl: option ${a}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information`,
          code: 2,
        };
      let value: string | undefined;
      if (spec.value) {
        value = eq > 0 ? a.slice(eq + 1) : args[++i];
        if (value === undefined)
          return {
            ok: false,
            message: `curl: option ${a}: requires parameter\ncurl: try 'curl --help' or 'curl --manual' for more information`,
            code: 2,
          };
      }
      if (name === 'url') o.urls.push(value!);
      else if (name === 'connect-timeout') o.connectTimeoutSec = Number(value);
      else if (name === 'json') {
        o.data = value;
        o.headers.push('Content-Type: application/json', 'Accept: application/json');
      } else if (spec.short) {
        const r = apply(spec.short, value, name);
        if (r) return r;
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const f = a[j]!;
        if (SHORT_VALUE.has(f)) {
          const value = j + 1 < a.length ? a.slice(j + 1) : args[++i];
          if (value === undefined)
            return {
              ok: false,
              message: `curl: option -${f}: requires parameter\ncurl: try 'curl --help' or 'curl --manual' for more information`,
              code: 2,
            };
          const r = apply(f, value);
          if (r) return r;
          break;
        }
        if (!SHORT_FLAG.has(f))
          return {
            ok: false,
            message: `curl: option -${f}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information`,
            code: 2,
          };
        const r = apply(f, undefined);
        if (r) return r;
      }
      continue;
    }
    o.urls.push(a);
  }
  if (o.urls.length === 0)
    return {
      ok: false,
      message: "curl: no URL specified\ncurl: try 'curl --help' or 'curl --manual' for more information",
      code: 2,
    };
  return {ok: true, opts: o};
}

/** curl's URL guessing: a scheme-less URL is http:// */
export function normalizeUrl(raw: string): URL | undefined {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  try {
    return new URL(withScheme);
  } catch {
    return undefined;
  }
}
