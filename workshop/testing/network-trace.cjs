/**
 * Records every attempt a Node.js process makes to reach a host other than this machine.
 *
 * Preloaded into a command and every Node.js process it starts (npm, npx, the cdk CLI, its
 * background helpers) by `NODE_OPTIONS=--require <this file>`, with `WORKSHOP_NETWORK_TRACE`
 * naming the file to append to (see workshop/testing/offline.ts). Each attempt is one JSON
 * line: which process, what kind (a DNS lookup, a TCP connection, a UDP datagram) and where
 * to; each process also writes one `process` line when it starts. Lookups of `localhost` and
 * connections to loopback addresses or local sockets are not recorded: they never leave the
 * machine. Nothing is blocked; the caller decides.
 *
 * Plain CommonJS on purpose: it must load in any Node.js process, before any loader.
 */
"use strict";

const file = process.env.WORKSHOP_NETWORK_TRACE;

if (file) {
  const fs = require("node:fs");
  const net = require("node:net");
  const dns = require("node:dns");
  const dgram = require("node:dgram");

  const loopbackNames = new Set(["localhost", "localhost.", "ip6-localhost", "ip6-loopback"]);

  /** True for names and addresses that stay on this machine. */
  const isLocal = (host) => {
    if (host === undefined || host === null || host === "") return true; // Node's default: localhost
    const name = String(host)
      .toLowerCase()
      .replace(/^\[|\]$/g, "");
    if (loopbackNames.has(name) || name.endsWith(".localhost")) return true;
    if (net.isIPv4(name)) return name.startsWith("127.") || name === "0.0.0.0";
    if (net.isIPv6(name)) return name === "::1" || name === "::" || /^::ffff:127\./.test(name);
    return false;
  };

  // The script and its first argument; for `node -e`, the options that carry the code.
  const command = (process.argv.length > 1 ? process.argv.slice(1, 3) : [process.argv0, ...process.execArgv]).join(" ").slice(0, 160);
  const record = (kind, target) => {
    // Read again each time: a process that traced itself stops when it takes the variable away.
    const to = process.env.WORKSHOP_NETWORK_TRACE;
    if (!to) return;
    try {
      fs.appendFileSync(to, `${JSON.stringify({ pid: process.pid, command, kind, target })}\n`);
    } catch {
      // The trace is evidence, never a reason to break the traced command.
    }
  };
  // Every traced process says that it ran, so a caller can wait for those that outlive the command.
  record("process", "");

  /** Replaces `owner[name]` by a function that records where the call goes, then makes it. */
  const wrap = (owner, name, kind, targetOf) => {
    const original = owner[name];
    if (typeof original !== "function") return;
    owner[name] = function traced(...args) {
      try {
        const target = targetOf(args);
        if (target !== undefined) record(kind, target);
      } catch {
        // Never let the tracer change what the call does.
      }
      return original.apply(this, args);
    };
  };

  const hostPort = (host, port) => {
    if (isLocal(host)) return undefined;
    return port === undefined || port === null ? String(host) : `${host}:${port}`;
  };
  const firstName = (args) => (isLocal(args[0]) ? undefined : String(args[0]));
  const isDnsQuery = (name) => /^resolve/.test(name) || name === "reverse";

  // Every DNS question Node can ask: the resolver of the OS, and the DNS protocol itself.
  for (const api of [dns, dns.promises]) {
    wrap(api, "lookup", "dns lookup", firstName);
    wrap(api, "lookupService", "dns lookup", firstName);
    for (const name of Object.keys(api)) if (isDnsQuery(name)) wrap(api, name, "dns query", firstName);
  }
  for (const prototype of [dns.Resolver.prototype, dns.promises.Resolver.prototype]) {
    for (const name of Object.getOwnPropertyNames(prototype)) if (isDnsQuery(name)) wrap(prototype, name, "dns query", firstName);
  }

  // Every TCP connection (net, tls, http, https, fetch) goes through Socket#connect.
  wrap(net.Socket.prototype, "connect", "tcp connect", (args) => {
    let options = args[0];
    if (Array.isArray(options)) options = options[0]; // Node's internal, normalized form
    if (options !== null && typeof options === "object") {
      if (options.path !== undefined && options.path !== null) return undefined; // a local socket or pipe
      return hostPort(options.host, options.port);
    }
    if (typeof options === "string" && !/^\d+$/.test(options)) return undefined; // connect(path)
    return hostPort(typeof args[1] === "string" ? args[1] : undefined, options);
  });

  // UDP: a datagram sent to an address, or a socket connected to one.
  wrap(dgram.Socket.prototype, "send", "udp send", (args) => {
    const address = args.slice(1).find((arg) => typeof arg === "string");
    return address === undefined ? undefined : hostPort(address);
  });
  wrap(dgram.Socket.prototype, "connect", "udp connect", (args) => hostPort(typeof args[1] === "string" ? args[1] : undefined, args[0]));
}
