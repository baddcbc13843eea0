// Generates everything the test bed's servers read at start: a throwaway TLS root
// and leaf for Pebble's listeners, TSIG keys, BIND's configuration and zone files,
// and Pebble's configuration. Every file lands in the state folder.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ZONES = ['example.test', 'example.org.test', 'delegated.test'];

/**
 * CNAMEs that delegate a DNS-01 challenge name into `delegated.test`. A client must
 * follow them to find the zone to update, and Pebble's TXT lookup follows them.
 */
export const CNAME_DELEGATIONS = {
  '_acme-challenge.alias.example.test': '_acme-challenge.alias.delegated.test',
  '_acme-challenge.alias.example.org.test': '_acme-challenge.alias-org.delegated.test',
};

const TLS_DAYS = '30';

/** Pebble's ACME profiles: validity periods in seconds (90 days and 6 days). */
const PROFILES = {
  default: { description: '90 days', validityPeriod: 7_776_000 },
  shortlived: { description: '6 days', validityPeriod: 518_400 },
};

function runOpenssl(args, stateDir) {
  try {
    execFileSync('openssl', args, { cwd: stateDir, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const detail = error.stderr ? String(error.stderr).trim() : error.message;
    throw new Error(`openssl ${args[0]} failed while making the test bed's TLS files: ${detail}`);
  }
}

/**
 * Makes a P-256 root and a leaf for localhost, 127.0.0.1 and ::1 that Pebble serves
 * on its ACME and management listeners. Returns the paths. Clients
 * trust the root.
 */
export function writeTlsFiles(stateDir) {
  const paths = {
    rootCert: join(stateDir, 'tls-root.pem'),
    rootKey: join(stateDir, 'tls-root.key'),
    leafCert: join(stateDir, 'tls-leaf.pem'),
    leafKey: join(stateDir, 'tls-leaf.key'),
  };
  const leafRequest = join(stateDir, 'tls-leaf.csr');
  const leafExtensions = join(stateDir, 'tls-leaf.ext');
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

  runOpenssl(
    [
      'req',
      '-x509',
      ...ecKey,
      '-keyout',
      paths.rootKey,
      '-out',
      paths.rootCert,
      '-days',
      TLS_DAYS,
      '-subj',
      '/CN=acme-lineage test bed TLS root',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    stateDir,
  );

  runOpenssl(
    [
      'req',
      '-new',
      ...ecKey,
      '-keyout',
      paths.leafKey,
      '-out',
      leafRequest,
      '-subj',
      '/CN=localhost',
    ],
    stateDir,
  );
  writeFileSync(
    leafExtensions,
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1',
      '',
    ].join('\n'),
  );
  runOpenssl(
    [
      'x509',
      '-req',
      '-in',
      leafRequest,
      '-CA',
      paths.rootCert,
      '-CAkey',
      paths.rootKey,
      '-CAcreateserial',
      '-days',
      TLS_DAYS,
      '-extfile',
      leafExtensions,
      '-out',
      paths.leafCert,
    ],
    stateDir,
  );
  return paths;
}

/**
 * Makes the two TSIG keys that may update every zone. Secret lengths match the
 * HMAC output size (32 and 64 bytes), as `tsig-keygen` does.
 */
export function makeTsigKeys() {
  return {
    sha256: {
      name: 'acme-update',
      algorithm: 'hmac-sha256',
      secret: randomBytes(32).toString('base64'),
    },
    sha512: {
      name: 'acme-update-512',
      algorithm: 'hmac-sha512',
      secret: randomBytes(64).toString('base64'),
    },
  };
}

function zoneFileText(zone) {
  const lines = [
    '$TTL 60',
    `@ IN SOA ns1.${zone}. hostmaster.${zone}. ( 1 3600 600 86400 60 )`,
    `@ IN NS ns1.${zone}.`,
    '@ IN A 127.0.0.1',
    'ns1 IN A 127.0.0.1',
    'www IN A 127.0.0.1',
  ];
  for (const [from, to] of Object.entries(CNAME_DELEGATIONS)) {
    if (from.endsWith(`.${zone}`)) {
      lines.push(`${from}. IN CNAME ${to}.`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function namedConfText(stateDir, dnsPort, tsig) {
  const keys = Object.values(tsig)
    .map(
      (key) => `key "${key.name}" {\n  algorithm ${key.algorithm};\n  secret "${key.secret}";\n};`,
    )
    .join('\n');
  const updaters = Object.values(tsig)
    .map((key) => `key "${key.name}";`)
    .join(' ');
  const zones = ZONES.map(
    (zone) =>
      `zone "${zone}" {\n  type primary;\n  file "${join(stateDir, `${zone}.zone`)}";\n` +
      `  allow-update { ${updaters} };\n};`,
  ).join('\n');

  // pid-file, session-keyfile and an empty controls block keep this named away
  // from the paths and the rndc port of a system named on the same machine.
  // Recursion makes a query for a CNAME return the target's records from another
  // of these zones, as a public resolver or a CA's validator would. Without it,
  // BIND 9.18 returns the bare CNAME. The local root zone makes every other name
  // NXDOMAIN, so recursion never sends a query off this machine.
  return `options {
  directory "${stateDir}";
  listen-on port ${dnsPort} { 127.0.0.1; };
  listen-on-v6 { none; };
  pid-file none;
  session-keyfile none;
  managed-keys-directory "${stateDir}";
  recursion yes;
  allow-recursion { 127.0.0.1; };
  allow-query { any; };
  dnssec-validation no;
  notify no;
};
controls { };
${keys}
zone "." {
  type primary;
  file "${join(stateDir, 'root.zone')}";
};
${zones}
`;
}

const ROOT_ZONE_TEXT = `$TTL 60
@ IN SOA localhost. hostmaster.localhost. ( 1 3600 600 86400 60 )
@ IN NS localhost.
localhost. IN A 127.0.0.1
`;

/**
 * Writes named.conf, one zone file per test zone and a local root zone.
 * Returns the path of named.conf.
 */
export function writeBindFiles(stateDir, dnsPort, tsig) {
  writeFileSync(join(stateDir, 'root.zone'), ROOT_ZONE_TEXT);
  for (const zone of ZONES) {
    writeFileSync(join(stateDir, `${zone}.zone`), zoneFileText(zone));
  }
  const confPath = join(stateDir, 'named.conf');
  writeFileSync(confPath, namedConfText(stateDir, dnsPort, tsig), { mode: 0o600 });
  return confPath;
}

/** Writes Pebble's configuration. Returns its path. */
export function writePebbleConfig(stateDir, ports, tls) {
  const config = {
    pebble: {
      listenAddress: `127.0.0.1:${ports.acme}`,
      managementListenAddress: `127.0.0.1:${ports.management}`,
      certificate: tls.leafCert,
      privateKey: tls.leafKey,
      // Ports Pebble connects to for http-01 and tls-alpn-01. The test bed uses
      // dns-01 only, so nothing listens there.
      httpPort: 5002,
      tlsPort: 5001,
      ocspResponderURL: '',
      externalAccountBindingRequired: false,
      retryAfter: { authz: 3, order: 5 },
      profiles: PROFILES,
    },
  };
  const configPath = join(stateDir, 'pebble.json');
  writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
  return configPath;
}
