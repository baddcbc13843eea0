#!/usr/bin/env node
// Runs the test bed: Pebble (an ACME CA with ARI and profiles) and BIND 9 (an
// authoritative DNS server accepting TSIG-signed RFC 2136 updates), both on
// 127.0.0.1. Everything a client needs is written to testbed/.state/settings.json.
//
// Usage: node testbed/testbed.mjs start|stop|status|env
//
// TESTBED_STATE_DIR moves the state folder elsewhere, for example to run a second
// test bed beside the shared one. `env` then exports TESTBED_SETTINGS, which the
// test helper reads.
import { execFileSync } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  writeBindFiles,
  writePebbleConfig,
  writeTlsFiles,
  makeTsigKeys,
  ZONES,
  CNAME_DELEGATIONS,
} from './support/config.mjs';
import { withLock } from './support/lock.mjs';
import {
  findFreePort,
  isOurProcess,
  probeBind,
  probePebble,
  startDetached,
  stopProcess,
  tailOfLog,
  waitUntilResponding,
} from './support/processes.mjs';

const testbedDir = dirname(fileURLToPath(import.meta.url));
const defaultStateDir = join(testbedDir, '.state');
const stateDir = process.env.TESTBED_STATE_DIR
  ? resolve(process.env.TESTBED_STATE_DIR)
  : defaultStateDir;
// Marks a folder as made by the test bed. Apart from the default folder, start
// wipes only a folder with this mark.
const stateMarker = join(stateDir, '.testbed-state');
const settingsPath = join(stateDir, 'settings.json');
const cacheDir = join(testbedDir, '.cache');
// Outside the state folder, which every start wipes.
const lockDir = cacheDir;
const pebbleDir = join(cacheDir, 'pebble');
const pebbleBinary = join(pebbleDir, 'usr', 'bin', 'pebble');

const PREFERRED_PORTS = { dns: 5353, acme: 14000, management: 15000 };
const START_TIMEOUT_MS = 20_000;

function readSettings() {
  if (!existsSync(settingsPath)) {
    return undefined;
  }
  return JSON.parse(readFileSync(settingsPath, 'utf8'));
}

/** Finds named on PATH or in /usr/sbin, which is often missing from a user's PATH. */
function findNamed() {
  const folders = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin'];
  for (const folder of folders) {
    const candidate = join(folder, 'named');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

function runInstaller() {
  console.error('testbed: installing the servers with testbed/install.sh');
  try {
    execFileSync('bash', [join(testbedDir, 'install.sh')], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  } catch {
    throw new Error(
      'testbed/install.sh failed (its message is above); fix that, then run start again.',
    );
  }
}

function installedPrograms() {
  let named = findNamed();
  const pebbleReady = existsSync(pebbleBinary) && existsSync(join(pebbleDir, 'VERSION'));
  if (named === undefined || !pebbleReady || !existsSync('/usr/bin/nsupdate')) {
    runInstaller();
    named = findNamed();
  }
  if (named === undefined) {
    throw new Error('named not found after testbed/install.sh; install the bind9 package.');
  }
  return {
    named,
    pebble: pebbleBinary,
    pebbleVersion: readFileSync(join(pebbleDir, 'VERSION'), 'utf8').trim(),
  };
}

/** Checks that every recorded process still runs our program and both servers respond to probes. */
async function isRunning(settings) {
  if (settings === undefined) {
    return false;
  }
  const alive =
    isOurProcess(settings.pids.named, settings.programs.named) &&
    isOurProcess(settings.pids.pebble, settings.programs.pebble);
  if (!alive) {
    return false;
  }
  try {
    await probePebble(settings.directoryUrl, readFileSync(settings.caCertPath));
    await probeBind(settings.dns.server, settings.dns.zones);
    return true;
  } catch {
    return false;
  }
}

async function stopRecorded(settings) {
  if (settings === undefined) {
    return [];
  }
  const stopped = [];
  for (const [name, pid] of Object.entries(settings.pids)) {
    if (await stopProcess(pid, settings.programs[name])) {
      stopped.push(`${name} (pid ${pid})`);
    }
  }
  return stopped;
}

function freshStateDir() {
  const ownFolder = stateDir === defaultStateDir || existsSync(stateMarker);
  if (!ownFolder && existsSync(stateDir) && readdirSync(stateDir).length > 0) {
    throw new Error(
      `TESTBED_STATE_DIR ${stateDir} is not empty and was not made by the test bed; choose an empty or new folder.`,
    );
  }
  rmSync(stateDir, { recursive: true, force: true });
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  writeFileSync(stateMarker, '');
}

async function choosePorts() {
  const dns = await findFreePort(PREFERRED_PORTS.dns, { udp: true });
  const acme = await findFreePort(PREFERRED_PORTS.acme, { excluded: [dns] });
  const management = await findFreePort(PREFERRED_PORTS.management, { excluded: [dns, acme] });
  return { dns, acme, management };
}

function pebbleEnvironment() {
  // Inherited PEBBLE_* settings could switch off the nonce rejection and
  // authorization reuse that exercise client retries, so only NOSLEEP is set.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('PEBBLE_')),
  );
  return { ...env, PEBBLE_VA_NOSLEEP: '1' };
}

async function waitOrExplain(label, probe, { pid, programPath, logPath }) {
  try {
    return await waitUntilResponding(label, probe, {
      pid,
      programPath,
      timeoutMs: START_TIMEOUT_MS,
    });
  } catch (error) {
    throw new Error(`${error.message}\nLast lines of ${logPath}:\n${tailOfLog(logPath)}`);
  }
}

/** Writes the servers' configuration into a fresh state folder. */
async function writeConfiguration() {
  freshStateDir();
  const ports = await choosePorts();
  const dnsServer = `127.0.0.1:${ports.dns}`;
  const tls = writeTlsFiles(stateDir);
  const tsig = makeTsigKeys();
  return {
    ports,
    dnsServer,
    tls,
    tsig,
    namedConf: writeBindFiles(stateDir, ports.dns, tsig),
    pebbleConf: writePebbleConfig(stateDir, ports, tls),
    logs: { named: join(stateDir, 'named.log'), pebble: join(stateDir, 'pebble.log') },
  };
}

async function launch(programs) {
  const { ports, dnsServer, tls, tsig, namedConf, pebbleConf, logs } = await writeConfiguration();
  const settings = {
    directoryUrl: `https://127.0.0.1:${ports.acme}/dir`,
    managementUrl: `https://127.0.0.1:${ports.management}`,
    caCertPath: tls.rootCert,
    pebbleVersion: programs.pebbleVersion,
    dns: { server: dnsServer, zones: ZONES, cnameDelegations: CNAME_DELEGATIONS, tsig },
    pids: {},
    programs: { named: programs.named, pebble: programs.pebble },
    logs,
    startedAt: new Date().toISOString(),
  };

  const { pids } = settings;
  try {
    pids.named = startDetached(programs.named, ['-g', '-4', '-c', namedConf], {
      logPath: logs.named,
      cwd: stateDir,
      env: process.env,
    });
    pids.pebble = startDetached(programs.pebble, ['-config', pebbleConf, '-dnsserver', dnsServer], {
      logPath: logs.pebble,
      cwd: stateDir,
      env: pebbleEnvironment(),
    });

    const caPem = readFileSync(tls.rootCert);
    await waitOrExplain('BIND', () => probeBind(dnsServer, ZONES), {
      pid: pids.named,
      programPath: programs.named,
      logPath: logs.named,
    });
    await waitOrExplain('Pebble', () => probePebble(settings.directoryUrl, caPem), {
      pid: pids.pebble,
      programPath: programs.pebble,
      logPath: logs.pebble,
    });
  } catch (error) {
    await stopRecorded(settings);
    throw error;
  }

  // Only the owner may read it because it contains the TSIG secrets.
  writeFileSync(settingsPath, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  return settings;
}

function describe(settings) {
  return [
    `ACME directory  ${settings.directoryUrl} (Pebble ${settings.pebbleVersion}, pid ${settings.pids.pebble})`,
    `management      ${settings.managementUrl}`,
    `DNS             ${settings.dns.server} (BIND, pid ${settings.pids.named}), zones ${settings.dns.zones.join(', ')}`,
    `TLS root        ${settings.caCertPath}`,
    `settings        ${settingsPath}`,
  ].join('\n');
}

async function start() {
  const startedAt = Date.now();
  const settings = await withLock(lockDir, async () => {
    const current = readSettings();
    if (await isRunning(current)) {
      console.error('testbed: already running');
      return current;
    }
    const stale = await stopRecorded(current);
    if (stale.length > 0) {
      console.error(`testbed: stopped the rest of a broken run: ${stale.join(', ')}`);
    }
    return launch(installedPrograms());
  });
  console.log(describe(settings));
  console.error(`testbed: ready in ${((Date.now() - startedAt) / 1000).toFixed(2)} s`);
}

async function stop() {
  await withLock(lockDir, async () => {
    const settings = readSettings();
    const stopped = await stopRecorded(settings);
    rmSync(settingsPath, { force: true });
    console.log(
      stopped.length > 0
        ? `testbed: stopped ${stopped.join(', ')}`
        : 'testbed: nothing was running',
    );
  });
}

async function status() {
  const settings = readSettings();
  if (await isRunning(settings)) {
    console.log(`running\n${describe(settings)}`);
    return 0;
  }
  console.log(
    settings === undefined
      ? 'stopped'
      : 'not responding: run `npm run testbed:start` to restart it',
  );
  return 3;
}

function shellQuote(value) {
  return `'${String(value).replaceAll("'", "'\\''")}'`;
}

/** Prints shell exports for the running test bed; meant for `eval "$(node testbed/testbed.mjs env)"`. */
function printEnv() {
  const settings = readSettings();
  if (settings === undefined) {
    throw new Error('test bed not running: run `npm run testbed:start`');
  }
  const key = settings.dns.tsig.sha256;
  const exports = {
    TESTBED_SETTINGS: settingsPath,
    TESTBED_DIRECTORY_URL: settings.directoryUrl,
    TESTBED_MANAGEMENT_URL: settings.managementUrl,
    TESTBED_DNS_SERVER: settings.dns.server,
    TESTBED_TSIG_KEY_NAME: key.name,
    TESTBED_TSIG_ALGORITHM: key.algorithm,
    TESTBED_TSIG_SECRET: key.secret,
    NODE_EXTRA_CA_CERTS: settings.caCertPath,
  };
  for (const [name, value] of Object.entries(exports)) {
    console.log(`export ${name}=${shellQuote(value)}`);
  }
}

const commands = { start, stop, status, env: printEnv };

async function main(argv) {
  const command = commands[argv[0]];
  if (command === undefined || argv.length !== 1) {
    console.error('usage: node testbed/testbed.mjs start|stop|status|env');
    return 2;
  }
  return (await command()) ?? 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(`testbed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
