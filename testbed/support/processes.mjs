// Starts, probes and stops the test bed's two servers. A process is only ever
// signalled by the pid the test bed recorded when it started it, and only while
// that pid still runs the same program.
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { openSync, closeSync, readFileSync, existsSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const POLL_INTERVAL_MS = 100;

function canBindTcp(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () =>
      server.close(() => resolve(true)),
    );
  });
}

function canBindUdp(port) {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind({ port, address: '127.0.0.1', exclusive: true }, () =>
      socket.close(() => resolve(true)),
    );
  });
}

/**
 * Returns `preferred` when it is free on 127.0.0.1 (TCP, and UDP too when `udp` is
 * set) and not in `excluded`, else the next free port above it.
 */
export async function findFreePort(preferred, { udp = false, excluded = [] } = {}) {
  for (let port = preferred; port < preferred + 200; port += 1) {
    if (excluded.includes(port)) {
      continue;
    }
    if ((await canBindTcp(port)) && (!udp || (await canBindUdp(port)))) {
      return port;
    }
  }
  throw new Error(
    `no free port on 127.0.0.1 between ${preferred} and ${preferred + 199}; stop what uses them.`,
  );
}

/**
 * Starts `command` in the background, detached from this process, with its output
 * appended to `logPath`. Returns the pid.
 */
export function startDetached(command, args, { logPath, cwd, env }) {
  const logFd = openSync(logPath, 'a');
  try {
    const child = spawn(command, args, {
      cwd,
      env,
      detached: true,
      stdio: ['ignore', logFd, logFd],
    });
    child.unref();
    if (child.pid === undefined) {
      throw new Error(`cannot start ${command}; see ${logPath}.`);
    }
    return child.pid;
  } finally {
    closeSync(logFd);
  }
}

/**
 * Checks whether `pid` is alive and, where /proc exists, still runs a program whose
 * command line contains `programPath`, so a recycled pid is never taken for ours.
 */
export function isOurProcess(pid, programPath) {
  if (!Number.isInteger(pid) || pid <= 0) {
    return false;
  }
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const cmdlinePath = `/proc/${pid}/cmdline`;
  if (!existsSync('/proc/self/cmdline')) {
    return true;
  }
  try {
    return readFileSync(cmdlinePath, 'utf8').split('\0').includes(programPath);
  } catch {
    return false;
  }
}

/**
 * Sends SIGTERM to `pid` if it is still ours, waits up to `timeoutMs` for it to
 * exit, then sends SIGKILL. Returns whether the process had been running.
 */
export async function stopProcess(pid, programPath, timeoutMs = 5_000) {
  if (!isOurProcess(pid, programPath)) {
    return false;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isOurProcess(pid, programPath)) {
      return true;
    }
    await sleep(POLL_INTERVAL_MS);
  }
  if (isOurProcess(pid, programPath)) {
    process.kill(pid, 'SIGKILL');
  }
  return true;
}

function getJson(url, ca) {
  return new Promise((resolve, reject) => {
    // Pebble rejects requests without a User-Agent, which RFC 8555 section 6.1 requires.
    const headers = { 'user-agent': 'acme-lineage-testbed' };
    const request = https.get(url, { ca, headers, timeout: 2_000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => {
        if (response.statusCode !== 200) {
          reject(new Error(`GET ${url} returned HTTP ${response.statusCode}`));
          return;
        }
        try {
          resolve(JSON.parse(body));
        } catch (error) {
          reject(new Error(`GET ${url} returned invalid JSON: ${error.message}`));
        }
      });
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${url} timed out`)));
    request.on('error', reject);
  });
}

/**
 * Fetches Pebble's directory and checks that it offers ARI and both profiles.
 * Throws with the reason when it does not.
 */
export async function probePebble(directoryUrl, caPem) {
  const directory = await getJson(directoryUrl, caPem);
  const profiles = directory.meta?.profiles ?? {};
  if (typeof directory.renewalInfo !== 'string') {
    throw new Error(`directory at ${directoryUrl} has no renewalInfo: Pebble is older than 2.10`);
  }
  for (const profile of ['default', 'shortlived']) {
    if (!(profile in profiles)) {
      throw new Error(
        `directory at ${directoryUrl} lacks the profile "${profile}" in meta.profiles`,
      );
    }
  }
  return directory;
}

/** Queries SOA for every zone over UDP at `server` (`host:port`). Throws on the first failure. */
export async function probeBind(server, zones) {
  const resolver = new Resolver({ timeout: 500, tries: 1 });
  resolver.setServers([server]);
  for (const zone of zones) {
    const soa = await resolver.resolveSoa(zone);
    if (soa.nsname !== `ns1.${zone}`) {
      throw new Error(`SOA of ${zone} at ${server} names ${soa.nsname}, expected ns1.${zone}`);
    }
  }
}

/**
 * Calls `probe` until it resolves, the process dies, or `timeoutMs` passes.
 * Throws with the last probe error when the server never responded.
 */
export async function waitUntilResponding(label, probe, { pid, programPath, timeoutMs }) {
  const deadline = Date.now() + timeoutMs;
  let lastError = new Error('no probe ran');
  while (Date.now() < deadline) {
    if (!isOurProcess(pid, programPath)) {
      throw new Error(`${label} (pid ${pid}) exited during start-up`);
    }
    try {
      return await probe();
    } catch (error) {
      lastError = error;
    }
    await sleep(POLL_INTERVAL_MS);
  }
  throw new Error(`${label} did not respond within ${timeoutMs / 1000} s: ${lastError.message}`);
}

/** Returns the last `count` lines of a log file, or a note that it cannot be read. */
export function tailOfLog(logPath, count = 20) {
  try {
    const lines = readFileSync(logPath, 'utf8').trimEnd().split('\n');
    return lines.slice(-count).join('\n');
  } catch (error) {
    return `(cannot read ${logPath}: ${error.message})`;
  }
}
