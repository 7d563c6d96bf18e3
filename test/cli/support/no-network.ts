/**
 * Preloaded into CLI child processes: any TCP connection to an address other than loopback fails
 * and is reported on stderr as `NETWORK <host>`, so a test can prove the command touched no network.
 */
import * as net from 'net';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
  // net.connect passes its arguments normalized, as an array whose first element holds the options.
  const raw = Array.isArray(args[0]) ? args[0][0] : args[0];
  const first = raw as { host?: string; path?: string } | number | string;
  const host =
    typeof first === 'object'
      ? first.path
        ? 'localhost'
        : (first.host ?? 'localhost')
      : String(args[1] ?? 'localhost');
  if (!LOOPBACK.has(host)) {
    process.stderr.write(`NETWORK ${host}\n`);
    throw new Error(`network access to ${host} is not allowed in tests`);
  }
  return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;
