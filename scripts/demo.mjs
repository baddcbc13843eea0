// Plays the main job on the embedded test bed: a first run issues three
// certificates, Pebble's management API then moves one certificate's window into the past, and a
// second run renews it with `replaces`. Prints where the certificates and the
// lineage are. Usage: npm run demo
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { setRenewalInfo } from './testbed-client.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const demo = path.join(root, '.demo');
const workspace = path.join(demo, 'workspace');

function step(title) {
  process.stdout.write(`\n### ${title}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.status !== 0 && !options.allowFailure) {
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
  }
  return result.status;
}

function git(args) {
  return execFileSync('git', args, { cwd: workspace, encoding: 'utf8' }).trim();
}

step('Starting the test bed (Pebble 2.10 and BIND 9 on loopback)');
run('bash', ['scripts/ensure-deps.sh']);
run('node', ['testbed/testbed.mjs', 'start']);
const testbed = JSON.parse(readFileSync(path.join(root, 'testbed/.state/settings.json'), 'utf8'));

step('Creating a repository with a three-certificate manifest');
rmSync(demo, { recursive: true, force: true });
mkdirSync(path.join(workspace, '.github'), { recursive: true });
writeFileSync(
  path.join(workspace, '.github/certificates.yml'),
  `version: 1
defaults:
  ca: ${testbed.directoryUrl}
  profile: shortlived
  dns:
    provider: rfc2136
    nameservers: ["${testbed.dns.server}"]
certificates:
  - name: web
    domains: [example.test, "*.example.test"]
  - name: api
    domains: [api.example.org.test]
  - name: mail
    domains: [mail.example.test, smtp.example.test]
`,
);
git(['init', '-q', '-b', 'main']);
git(['add', '.']);
git(['commit', '-q', '-m', 'Add the certificate manifest']);

const key = testbed.dns.tsig.sha256;
const env = {
  ...process.env,
  RFC2136_NAMESERVER: testbed.dns.server,
  RFC2136_TSIG_KEY: key.name,
  RFC2136_TSIG_SECRET: key.secret,
  RFC2136_TSIG_ALGORITHM: key.algorithm,
};
const cli = [
  'bin/acme-lineage.js',
  'renew',
  '--manifest',
  path.join(workspace, '.github/certificates.yml'),
  '--state',
  workspace,
  '--account-key',
  path.join(demo, 'account-key.pem'),
  '--create-account-key',
  '--output',
  path.join(demo, 'certificates'),
  '--ca-certificates',
  testbed.caCertPath,
];

step('First run: every certificate is issued');
run('node', cli, { env });

step('Pebble now says the certificate "web" must be replaced: its window is in the past');
const lineage = JSON.parse(git(['show', 'acme-lineage:web/lineage.json']));
const current = lineage.certificates.at(-1);
const chain = git(['show', `acme-lineage:web/${current.chainFile}`]);
const hour = 3_600_000;
await setRenewalInfo(
  testbed,
  chain.split('-----END CERTIFICATE-----')[0] + '-----END CERTIFICATE-----\n',
  {
    suggestedWindow: {
      start: new Date(Date.now() - 3 * hour).toISOString(),
      end: new Date(Date.now() - hour).toISOString(),
    },
  },
);

step(
  'Second run, started by hand with --refresh-ari: "web" is renewed with replaces, the others are not due',
);
run('node', [...cli, '--refresh-ari'], { env });

step('Result');
const after = JSON.parse(git(['show', 'acme-lineage:web/lineage.json']));
const [first, second] = after.certificates;
process.stdout.write(
  `web: ${first.serial} was replaced by ${first.replacedBy?.serial} (order ${second.orderUrl}, replaces ${second.replaces})\n`,
);
process.stdout.write(
  `lineage commits (branch acme-lineage of ${workspace}):\n${git(['log', '--oneline', 'acme-lineage'])}\n`,
);
process.stdout.write(`certificates and keys: ${path.join(demo, 'certificates')}\n`);
