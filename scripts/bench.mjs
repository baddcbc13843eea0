// Prints the product's speed and memory figures on the embedded test bed:
//   1. cold start of the bundled action (node dist/index.js until it exits),
//   2. wall time to issue one apex plus wildcard certificate (command-line core, in process),
//   3. wall time to check ARI for 1,000 certificates issued by Pebble (real certIDs).
// Usage: npm run bench. Figures are medians over several runs; the machine is shared,
// so quote medians and the spread, not single runs.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function report(title, values, unit = 'ms') {
  const sorted = [...values].sort((a, b) => a - b);
  const format = (value) => `${value.toFixed(0)} ${unit}`;
  process.stdout.write(
    `${title}: median ${format(median(values))} (min ${format(sorted[0])}, max ${format(sorted.at(-1))}, ${values.length} runs)\n`,
  );
}

execFileSync('bash', ['scripts/ensure-deps.sh'], { stdio: 'inherit' });
execFileSync('node', ['testbed/testbed.mjs', 'start'], { stdio: 'inherit' });
execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
const testbed = JSON.parse(readFileSync('testbed/.state/settings.json', 'utf8'));
const key = testbed.dns.tsig.sha256;
const dnsEnv = {
  RFC2136_NAMESERVER: testbed.dns.server,
  RFC2136_TSIG_KEY: key.name,
  RFC2136_TSIG_SECRET: key.secret,
  RFC2136_TSIG_ALGORITHM: key.algorithm,
};

// 1. Cold start: load the whole bundle, read the inputs, fail on an invalid mode and exit.
{
  const samples = [];
  for (let run = 0; run < 11; run++) {
    const started = process.hrtime.bigint();
    spawnSync('node', ['dist/index.js'], {
      env: { PATH: process.env.PATH, INPUT_MODE: 'bench-invalid' },
      stdio: 'ignore',
    });
    if (run > 0) samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  report('cold start of dist/index.js (node start to exit)', samples);
}

const { main } = await import(path.join(root, 'lib/cli/main.js'));
const { createMemoryLogger } = await import(path.join(root, 'lib/log.js'));
const scratch = mkdtempSync(path.join(tmpdir(), 'acme-lineage-bench-'));
const accountKey = path.join(scratch, 'account-key.pem');

function workspaceWith(certificates) {
  const directory = mkdtempSync(path.join(scratch, 'workspace-'));
  mkdirSync(path.join(directory, '.github'));
  writeFileSync(
    path.join(directory, '.github/certificates.yml'),
    `version: 1
defaults:
  ca: ${testbed.directoryUrl}
  profile: shortlived
  dns:
    provider: rfc2136
    nameservers: ["${testbed.dns.server}"]
certificates:
${certificates}`,
  );
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: directory });
  return directory;
}

async function renew(directory, extra = []) {
  const logger = createMemoryLogger();
  const code = await main(
    [
      'renew',
      '--manifest',
      path.join(directory, '.github/certificates.yml'),
      '--state',
      directory,
      '--account-key',
      accountKey,
      '--create-account-key',
      '--output',
      path.join(directory, 'out'),
      '--ca-certificates',
      testbed.caCertPath,
      ...extra,
    ],
    { PATH: process.env.PATH, ...dnsEnv },
    { logger, stdout: () => {} },
  );
  if (code !== 0) throw new Error(`renew failed:\n${logger.lines.join('\n')}`);
}

// 2. One apex plus wildcard certificate, fresh names each run so no authorization is reused.
{
  const samples = [];
  for (let run = 0; run < 6; run++) {
    const label = `bench-${Date.now().toString(36)}-${run}`;
    const directory = workspaceWith(
      `  - name: web\n    domains: [${label}.example.test, "*.${label}.example.test"]\n`,
    );
    const started = process.hrtime.bigint();
    await renew(directory);
    if (run > 0) samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  report(
    'issue one apex + wildcard certificate (account, order, DNS-01, finalize, 2 commits)',
    samples,
  );
}

// 3. ARI for 1,000 certificates. Pebble serves renewalInfo only for certificates it
// issued, so the bench issues them once per Pebble instance and caches their certIDs.
{
  const { fetchRenewalInfo } = await import(path.join(root, 'lib/ari/renewal-info.js'));
  const { decideRenewal } = await import(path.join(root, 'lib/ari/schedule.js'));
  const { createHttpClient } = await import(path.join(root, 'lib/http.js'));
  const cachePath = path.join(root, 'testbed/.state/bench-certificates.json');
  const count = Number(process.env.BENCH_ARI_COUNT ?? 1000);

  let cache = existsSync(cachePath) ? JSON.parse(readFileSync(cachePath, 'utf8')) : undefined;
  if (!cache || cache.startedAt !== testbed.startedAt || cache.certificates.length < count) {
    process.stdout.write(
      `issuing ${count} certificates on Pebble for the ARI figure (once per test bed start)...\n`,
    );
    const directory = workspaceWith(
      Array.from(
        { length: count },
        (_, index) => `  - name: ari-${index}\n    domains: [ari-${index}.example.test]\n`,
      ).join(''),
    );
    const started = Date.now();
    await renew(directory, ['--concurrency', '16']);
    const certificates = [];
    for (let index = 0; index < count; index++) {
      const lineage = JSON.parse(
        execFileSync('git', ['show', `acme-lineage:ari-${index}/lineage.json`], {
          cwd: directory,
          encoding: 'utf8',
        }),
      );
      const record = lineage.certificates.at(-1);
      certificates.push({
        certId: record.certId,
        notBefore: record.notBefore,
        notAfter: record.notAfter,
      });
    }
    cache = { startedAt: testbed.startedAt, certificates };
    writeFileSync(cachePath, JSON.stringify(cache));
    process.stdout.write(
      `issued ${count} certificates in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
  }

  const { renewalInfo } = JSON.parse(
    execFileSync(
      'node',
      [
        '-e',
        `fetch(${JSON.stringify(testbed.directoryUrl)}).then(r=>r.text()).then(t=>process.stdout.write(t))`,
      ],
      {
        env: { ...process.env, NODE_EXTRA_CA_CERTS: testbed.caCertPath },
        encoding: 'utf8',
      },
    ),
  );

  const samples = [];
  for (let run = 0; run < 4; run++) {
    const http = createHttpClient({
      userAgent: 'acme-lineage-bench',
      caCertificates: readFileSync(testbed.caCertPath, 'utf8'),
    });
    const queue = cache.certificates.slice(0, count);
    let due = 0;
    const started = process.hrtime.bigint();
    const worker = async () => {
      for (let item = queue.pop(); item; item = queue.pop()) {
        const now = new Date();
        const answer = await fetchRenewalInfo(http, renewalInfo, item.certId, now);
        if (!answer.ok) throw new Error(`renewalInfo failed for ${item.certId}: ${answer.message}`);
        const decision = decideRenewal({
          now,
          notBefore: new Date(item.notBefore),
          notAfter: new Date(item.notAfter),
          ari: { window: answer.suggestedWindow, retryAfter: answer.retryAfter },
          intervalToNextRunMs: 6 * 3_600_000,
          random: Math.random,
        });
        if (decision.due) due++;
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
    http.close();
    if (run > 0) samples.push(elapsed);
  }
  report(`check ARI for ${count} certificates (renewalInfo GET + decision, 16 at a time)`, samples);
}

process.stdout.write(
  `peak resident memory of the bench process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB\n`,
);
