import type {RedirectEvent} from './traffic-record';

/**
 * The redirection rules inside a pod's network namespace, as data, in iptables-save form:
 * - sidecar pods: the ISTIO_* nat chains istio-iptables writes (a real sidecar pod's iptables-save; 1.30's golden
 *   drops `-p tcp` from the OUTPUT jump);
 * - ambient pods: istio-cni's in-pod chains (cni/pkg/iptables testdata/default.golden at 1.30.3, DNS capture on),
 *   normalised as iptables-save prints them (`-s x/32`, `-m tcp` before `--dport`).
 * `hits` says how many packets (and bytes each) a connection event adds to a rule: nat rules see the first packet of
 * a connection (a 60-byte SYN, a DNS query), mangle rules every packet (an estimate per connection).
 */
export type Hits = Partial<Record<RedirectEvent, [packets: number, bytesEach: number]>>;

export interface RuleTemplate {
  /** the rule after `-A <chain> ` */
  spec: string;
  hits?: Hits;
}

export interface ChainTemplate {
  name: string;
  /** built-in chains have a policy (and its counter: packets that fell off the end) */
  policy?: 'ACCEPT';
  policyHits?: Hits;
  rules: RuleTemplate[];
}

export interface TableTemplate {
  name: 'mangle' | 'nat' | 'raw' | 'filter';
  chains: ChainTemplate[];
}

const SYN = 60;
const DNS = 74;

const sidecarNat: TableTemplate = {
  name: 'nat',
  chains: [
    {
      name: 'PREROUTING',
      policy: 'ACCEPT',
      rules: [{spec: '-p tcp -j ISTIO_INBOUND', hits: {'sidecar-inbound': [1, SYN]}}],
    },
    {
      name: 'INPUT',
      policy: 'ACCEPT',
      policyHits: {'sidecar-inbound': [1, SYN], 'sidecar-envoy-to-app': [1, SYN]},
      rules: [],
    },
    {
      name: 'OUTPUT',
      policy: 'ACCEPT',
      policyHits: {'sidecar-envoy-outbound': [1, SYN], 'sidecar-envoy-to-app': [1, SYN]},
      rules: [
        {
          spec: '-p tcp -j ISTIO_OUTPUT',
          hits: {
            'sidecar-app-outbound': [1, SYN],
            'sidecar-envoy-outbound': [1, SYN],
            'sidecar-envoy-to-app': [1, SYN],
          },
        },
      ],
    },
    {
      name: 'POSTROUTING',
      policy: 'ACCEPT',
      policyHits: {
        'sidecar-app-outbound': [1, SYN],
        'sidecar-envoy-outbound': [1, SYN],
        'sidecar-envoy-to-app': [1, SYN],
      },
      rules: [],
    },
    {
      name: 'ISTIO_INBOUND',
      rules: [
        {spec: '-p tcp -m tcp --dport 15008 -j RETURN'},
        {spec: '-p tcp -m tcp --dport 15090 -j RETURN'},
        {spec: '-p tcp -m tcp --dport 15021 -j RETURN'},
        {spec: '-p tcp -m tcp --dport 15020 -j RETURN'},
        {spec: '-p tcp -j ISTIO_IN_REDIRECT', hits: {'sidecar-inbound': [1, SYN]}},
      ],
    },
    {
      name: 'ISTIO_IN_REDIRECT',
      rules: [{spec: '-p tcp -j REDIRECT --to-ports 15006', hits: {'sidecar-inbound': [1, SYN]}}],
    },
    {
      name: 'ISTIO_OUTPUT',
      rules: [
        {spec: '-s 127.0.0.6/32 -o lo -j RETURN', hits: {'sidecar-envoy-to-app': [1, SYN]}},
        {spec: '! -d 127.0.0.1/32 -o lo -p tcp -m tcp ! --dport 15008 -m owner --uid-owner 1337 -j ISTIO_IN_REDIRECT'},
        {spec: '-o lo -m owner ! --uid-owner 1337 -j RETURN'},
        {spec: '-m owner --uid-owner 1337 -j RETURN', hits: {'sidecar-envoy-outbound': [1, SYN]}},
        {spec: '! -d 127.0.0.1/32 -o lo -p tcp -m tcp ! --dport 15008 -m owner --gid-owner 1337 -j ISTIO_IN_REDIRECT'},
        {spec: '-o lo -m owner ! --gid-owner 1337 -j RETURN'},
        {spec: '-m owner --gid-owner 1337 -j RETURN'},
        {spec: '-d 127.0.0.1/32 -j RETURN'},
        {spec: '-j ISTIO_REDIRECT', hits: {'sidecar-app-outbound': [1, SYN]}},
      ],
    },
    {
      name: 'ISTIO_REDIRECT',
      rules: [{spec: '-p tcp -j REDIRECT --to-ports 15001', hits: {'sidecar-app-outbound': [1, SYN]}}],
    },
  ],
};

/** packets of a short HTTP exchange seen by mangle (request side, response side); an estimate */
const OUT: [number, number] = [5, 96];
const IN: [number, number] = [4, 180];

/** mangle only marks (CONNMARK is not a verdict): every packet that jumps to ISTIO_* falls back to the policy */
const MANGLE_IN: Hits = {
  'ambient-outbound': IN,
  'ambient-inbound-hbone': [OUT[0] * 2, OUT[1]],
  'ambient-inbound-plain': OUT,
  'dns-udp': [1, DNS],
};
const MANGLE_OUT: Hits = {
  'ambient-outbound': OUT,
  'ambient-inbound-hbone': [IN[0] * 2, IN[1]],
  'ambient-inbound-plain': IN,
  'dns-udp': [1, DNS],
};

const ambientMangle: TableTemplate = {
  name: 'mangle',
  chains: [
    {name: 'PREROUTING', policy: 'ACCEPT', policyHits: MANGLE_IN, rules: [{spec: '-j ISTIO_PRERT', hits: MANGLE_IN}]},
    {name: 'INPUT', policy: 'ACCEPT', policyHits: MANGLE_IN, rules: []},
    {name: 'FORWARD', policy: 'ACCEPT', rules: []},
    {name: 'OUTPUT', policy: 'ACCEPT', policyHits: MANGLE_OUT, rules: [{spec: '-j ISTIO_OUTPUT', hits: MANGLE_OUT}]},
    {name: 'POSTROUTING', policy: 'ACCEPT', policyHits: MANGLE_OUT, rules: []},
    {
      name: 'ISTIO_OUTPUT',
      rules: [
        {
          spec: '-m connmark --mark 0x111/0xfff -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff',
          hits: {'ambient-inbound-hbone': IN},
        },
      ],
    },
    // ztunnel's in-pod sockets mark their packets 0x539 (1337): the connection gets connmark 0x111
    {
      name: 'ISTIO_PRERT',
      rules: [
        {spec: '-m mark --mark 0x539/0xfff -j CONNMARK --set-xmark 0x111/0xfff', hits: {'ambient-inbound-hbone': OUT}},
      ],
    },
  ],
};

const ambientNat: TableTemplate = {
  name: 'nat',
  chains: [
    {
      name: 'PREROUTING',
      policy: 'ACCEPT',
      policyHits: {'ambient-inbound-hbone': [2, SYN]},
      rules: [{spec: '-j ISTIO_PRERT', hits: {'ambient-inbound-hbone': [2, SYN], 'ambient-inbound-plain': [1, SYN]}}],
    },
    {
      name: 'INPUT',
      policy: 'ACCEPT',
      policyHits: {'ambient-inbound-hbone': [2, SYN], 'ambient-inbound-plain': [1, SYN]},
      rules: [],
    },
    {
      name: 'OUTPUT',
      policy: 'ACCEPT',
      policyHits: {'ambient-inbound-hbone': [1, SYN]},
      rules: [
        {
          spec: '-j ISTIO_OUTPUT',
          hits: {'ambient-outbound': [1, SYN], 'dns-udp': [2, DNS], 'ambient-inbound-hbone': [1, SYN]},
        },
      ],
    },
    {
      name: 'POSTROUTING',
      policy: 'ACCEPT',
      policyHits: {'ambient-outbound': [1, SYN], 'dns-udp': [2, DNS], 'ambient-inbound-hbone': [1, SYN]},
      rules: [],
    },
    {
      name: 'ISTIO_OUTPUT',
      rules: [
        {spec: '-d 169.254.7.127/32 -p tcp -m tcp -j ACCEPT'},
        {
          spec: '! -o lo -p udp -m mark ! --mark 0x539/0xfff -m udp --dport 53 -j REDIRECT --to-ports 15053',
          hits: {'dns-udp': [2, DNS]},
        },
        {spec: '! -d 127.0.0.1/32 -p tcp -m tcp --dport 53 -m mark ! --mark 0x539/0xfff -j REDIRECT --to-ports 15053'},
        {spec: '-p tcp -m mark --mark 0x111/0xfff -j ACCEPT'},
        {spec: '! -d 127.0.0.1/32 -o lo -j ACCEPT'},
        {
          spec: '! -d 127.0.0.1/32 -p tcp -m mark ! --mark 0x539/0xfff -j REDIRECT --to-ports 15001',
          hits: {'ambient-outbound': [1, SYN]},
        },
      ],
    },
    {
      name: 'ISTIO_PRERT',
      rules: [
        {spec: '-s 169.254.7.127/32 -p tcp -m tcp -j ACCEPT'},
        {
          spec: '! -d 127.0.0.1/32 -p tcp -m tcp ! --dport 15008 -m mark ! --mark 0x539/0xfff -j REDIRECT --to-ports 15006',
          hits: {'ambient-inbound-plain': [1, SYN]},
        },
      ],
    },
  ],
};

const ambientRaw: TableTemplate = {
  name: 'raw',
  chains: [
    {
      name: 'PREROUTING',
      policy: 'ACCEPT',
      policyHits: {'dns-udp': [2, DNS]},
      rules: [{spec: '-j ISTIO_PRERT', hits: {'dns-udp': [2, DNS]}}],
    },
    {
      name: 'OUTPUT',
      policy: 'ACCEPT',
      policyHits: {'dns-udp': [2, DNS]},
      rules: [{spec: '-j ISTIO_OUTPUT', hits: {'dns-udp': [2, DNS]}}],
    },
    {name: 'ISTIO_OUTPUT', rules: [{spec: '-p udp -m mark --mark 0x539/0xfff -m udp --dport 53 -j CT --zone 1'}]},
    {name: 'ISTIO_PRERT', rules: [{spec: '-p udp -m mark ! --mark 0x539/0xfff -m udp --sport 53 -j CT --zone 1'}]},
  ],
};

/** the built-in chains of each table, for a netns without Istio rules */
const BUILTINS: Record<TableTemplate['name'], string[]> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
};

export function emptyTable(name: TableTemplate['name']): TableTemplate {
  return {name, chains: BUILTINS[name].map((c) => ({name: c, policy: 'ACCEPT', rules: []}))};
}

export type NetnsKind = 'sidecar' | 'ambient' | 'plain';

/** the tables of a netns, in the order iptables-save prints them */
export function netnsTables(kind: NetnsKind): TableTemplate[] {
  if (kind === 'sidecar') return [sidecarNat];
  if (kind === 'ambient') return [ambientMangle, ambientNat, ambientRaw];
  return [];
}

/** a table of the netns: the Istio one, else the kernel's empty built-ins (`iptables -t filter -L` still answers) */
export function tableOf(kind: NetnsKind, name: TableTemplate['name']): TableTemplate {
  return netnsTables(kind).find((t) => t.name === name) ?? emptyTable(name);
}
