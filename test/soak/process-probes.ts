import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** A process's resident set size in bytes, from /proc; `undefined` once it is gone. */
export function residentBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}

/** One TCP socket of the machine, from /proc/net/tcp{,6}. */
export interface TcpSocket {
  readonly local: string;
  readonly remote: string;
  /** The kernel's state code: `0A` is LISTEN, `01` ESTABLISHED. */
  readonly state: string;
  readonly inode: string;
}

/** `0100007F` → `127.0.0.1`: /proc prints each 32-bit word in host (little-endian) byte order. */
function ipv4(hex: string): string {
  const bytes = [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return bytes.join('.');
}

function ipv6(hex: string): string {
  const words: string[] = [];
  for (let w = 0; w < 4; w++) {
    const word = hex.slice(w * 8, w * 8 + 8);
    const bytes = [6, 4, 2, 0].map((i) => word.slice(i, i + 2)).join('');
    words.push(bytes.slice(0, 4), bytes.slice(4, 8));
  }
  const full = words.map((g) => g.replace(/^0+(?=.)/, '')).join(':');
  if (full === '0:0:0:0:0:0:0:1') return '::1';
  if (full === '0:0:0:0:0:0:0:0') return '::';
  const mapped = /^0:0:0:0:0:ffff:([0-9a-f]+):([0-9a-f]+)$/.exec(full);
  if (mapped?.[1] && mapped[2]) {
    const v = (parseInt(mapped[1], 16) << 16) | parseInt(mapped[2], 16);
    return `::ffff:${[(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.')}`;
  }
  return full;
}

function endpoint(text: string): string {
  const [addr = '', port = '0'] = text.split(':');
  const host = addr.length === 8 ? ipv4(addr) : ipv6(addr);
  return `${host}:${parseInt(port, 16)}`;
}

/** The machine's TCP sockets by inode. */
export function tcpSockets(): Map<string, TcpSocket> {
  const sockets = new Map<string, TcpSocket>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const row of text.split('\n').slice(1)) {
      const cols = row.trim().split(/\s+/);
      const [, local, remote, state] = cols;
      const inode = cols[9];
      if (!local || !remote || !state || !inode) continue;
      sockets.set(inode, { local: endpoint(local), remote: endpoint(remote), state, inode });
    }
  }
  return sockets;
}

/** The TCP sockets a process holds open (its file descriptors that are sockets found in `sockets`). */
export function processTcpSockets(pid: number, sockets: ReadonlyMap<string, TcpSocket>): TcpSocket[] {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  const held: TcpSocket[] = [];
  for (const fd of fds) {
    let target: string;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue;
    }
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    const socket = inode === undefined ? undefined : sockets.get(inode);
    if (socket) held.push(socket);
  }
  return held;
}

/** Whether a socket's peer is this machine's loopback, or it has none (listening, or not connected yet). */
export function isLoopbackPeer(socket: TcpSocket): boolean {
  const host = socket.remote.slice(0, socket.remote.lastIndexOf(':'));
  if (socket.state === '0A' || host === '0.0.0.0' || host === '::') return true;
  return host.startsWith('127.') || host === '::1' || host.startsWith('::ffff:127.');
}
