import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Resolver } from 'node:dns/promises';
import https from 'node:https';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Access to the shared test bed (Pebble and BIND on 127.0.0.1) that
 * `npm run testbed:start` runs. Tests read its settings here instead of
 * hard-coding ports, which change when the preferred ones are taken.
 */

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Path of the settings file that `testbed/testbed.mjs start` writes. TESTBED_SETTINGS
 * points at another one, as `testbed/testbed.mjs env` exports for a moved state folder.
 */
export const TESTBED_SETTINGS_PATH =
  process.env.TESTBED_SETTINGS ?? join(repositoryRoot, 'testbed', '.state', 'settings.json');

const NOT_RUNNING = 'test bed not running: run `npm run testbed:start`';

/** Pebble rejects requests without a User-Agent, which RFC 8555 section 6.1 requires. */
const USER_AGENT = 'acme-lineage-tests';

/** A TSIG key that may update every test zone (RFC 8945). */
export interface TsigKey {
  name: string;
  algorithm: 'hmac-sha256' | 'hmac-sha512';
  /** Base64 of the shared secret. */
  secret: string;
}

/** BIND 9 serving the test zones and accepting RFC 2136 updates signed with either key. */
export interface TestbedDns {
  /** `127.0.0.1:<port>`, for UDP and TCP. */
  server: string;
  host: string;
  port: number;
  /** `example.test`, `example.org.test` and `delegated.test`. */
  zones: string[];
  /** Challenge names whose CNAME points into `delegated.test`, mapped to the target. */
  cnameDelegations: Record<string, string>;
  tsig: { sha256: TsigKey; sha512: TsigKey };
}

/** Settings of the running test bed. */
export interface Testbed {
  /** Pebble's ACME directory. */
  directoryUrl: string;
  /** Pebble's management interface (HTTPS with the same TLS root), without a trailing slash. */
  managementUrl: string;
  /** Root certificate that signs the TLS certificate of both Pebble listeners. */
  caCertPath: string;
  /** PEM text of `caCertPath`. */
  caCertPem: string;
  /** Debian package version of Pebble, for example `2.10.0+ds1-2`. */
  pebbleVersion: string;
  dns: TestbedDns;
  pids: { named: number; pebble: number };
  logs: { named: string; pebble: string };
}

interface SettingsFile extends Omit<Testbed, 'caCertPem' | 'dns'> {
  dns: Omit<TestbedDns, 'host' | 'port'>;
}

let checkedRunning = false;

function checkServersRespond(): void {
  if (checkedRunning) {
    return;
  }
  // `status` probes the directory and every zone's SOA. loadTestbed is synchronous,
  // so the probe runs as a child process once per test worker.
  try {
    execFileSync(process.execPath, [join(repositoryRoot, 'testbed', 'testbed.mjs'), 'status'], {
      env: { ...process.env, TESTBED_STATE_DIR: dirname(TESTBED_SETTINGS_PATH) },
      stdio: 'ignore',
      timeout: 15_000,
    });
  } catch {
    throw new Error(NOT_RUNNING);
  }
  checkedRunning = true;
}

/**
 * Reads the settings of the running test bed. Throws "test bed not running" when
 * the settings file is missing or a server does not respond.
 */
export function loadTestbed(): Testbed {
  if (!existsSync(TESTBED_SETTINGS_PATH)) {
    throw new Error(NOT_RUNNING);
  }
  checkServersRespond();

  const settings = JSON.parse(readFileSync(TESTBED_SETTINGS_PATH, 'utf8')) as SettingsFile;
  const [host = '', port = ''] = settings.dns.server.split(':');
  return {
    directoryUrl: settings.directoryUrl,
    managementUrl: settings.managementUrl,
    caCertPath: settings.caCertPath,
    caCertPem: readFileSync(settings.caCertPath, 'utf8'),
    pebbleVersion: settings.pebbleVersion,
    dns: { ...settings.dns, host, port: Number(port) },
    pids: settings.pids,
    logs: settings.logs,
  };
}

/** Returns an HTTPS agent that trusts the test bed's TLS root, for Pebble's listeners. */
export function testbedHttpsAgent(testbed: Testbed): https.Agent {
  return new https.Agent({ ca: testbed.caCertPem });
}

interface ManagementResponse {
  status: number;
  body: string;
}

function requestManagement(
  testbed: Testbed,
  method: 'GET' | 'POST',
  path: string,
  body?: string,
): Promise<ManagementResponse> {
  const url = new URL(path, `${testbed.managementUrl}/`);
  const headers: Record<string, string> = { 'user-agent': USER_AGENT };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
  }

  return new Promise((resolvePromise, reject) => {
    const request = https.request(url, { method, headers, ca: testbed.caCertPem }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolvePromise({ status: response.statusCode ?? 0, body: text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

async function getManagementPem(testbed: Testbed, path: string): Promise<string> {
  const response = await requestManagement(testbed, 'GET', path);
  if (response.status !== 200) {
    throw new Error(
      `GET ${testbed.managementUrl}${path} returned HTTP ${response.status}: ${response.body}`,
    );
  }
  return response.body;
}

/**
 * Makes Pebble return `ariResponse` (a renewalInfo object, RFC 9773) for
 * the certificate in `certificatePem`, which Pebble must have issued.
 */
export async function setRenewalInfo(
  testbed: Testbed,
  certificatePem: string,
  ariResponse: object,
): Promise<void> {
  // Pebble takes the ARI response as JSON text inside the JSON body, and only on
  // the path with the trailing slash.
  const body = JSON.stringify({
    certificate: certificatePem,
    ariResponse: JSON.stringify(ariResponse),
  });
  const response = await requestManagement(testbed, 'POST', '/set-renewal-info/', body);
  if (response.status !== 200) {
    throw new Error(
      `POST ${testbed.managementUrl}/set-renewal-info/ returned HTTP ${response.status}: ${response.body}`,
    );
  }
}

/**
 * Fetches the root and intermediate certificates Pebble signs with. Pebble makes
 * new ones at every start, so fetch them after the test bed started.
 */
export async function pebbleRootCertificates(
  testbed: Testbed,
): Promise<{ root: string; intermediate: string }> {
  const root = await getManagementPem(testbed, '/roots/0');
  const intermediate = await getManagementPem(testbed, '/intermediates/0');
  return { root, intermediate };
}

/**
 * Queries TXT records of `name` at the test bed's DNS server over UDP, following
 * CNAMEs. Returns one string per record, its chunks joined.
 */
export async function resolveTestbedTxt(testbed: Testbed, name: string): Promise<string[]> {
  const resolver = new Resolver({ timeout: 1_000, tries: 2 });
  resolver.setServers([testbed.dns.server]);
  try {
    const records = await resolver.resolveTxt(name);
    return records.map((chunks) => chunks.join(''));
  } catch (error) {
    if (
      (error as NodeJS.ErrnoException).code === 'ENOTFOUND' ||
      (error as NodeJS.ErrnoException).code === 'ENODATA'
    ) {
      return [];
    }
    throw error;
  }
}
