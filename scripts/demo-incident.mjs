// Plays the incident story on the embedded test bed, once in English and once in
// Chinese. The command line issues certificate A and then B replacing A. A revert on
// the state branch loses the record of B. On its next run the bundled action
// (dist/index.js) gets the CA's 409 alreadyReplaced, recovers B and opens an issue on
// a stand-in for the GitHub API that this script serves on 127.0.0.1. The script ends
// by printing the issue in each language. Usage: npm run demo:incident
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { setRenewalInfo } from './testbed-client.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const demo = path.join(root, '.demo', 'incident');
const HOUR = 3_600_000;
const TOKEN = 'demo-token';
const REPOSITORY = { owner: 'example', repo: 'certificates' };

function step(title) {
  process.stdout.write(`\n### ${title}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
}

function gitIn(directory, args) {
  return execFileSync('git', args, { cwd: directory, encoding: 'utf8' }).trim();
}

/**
 * Serves the few issue routes the action calls when it reports an incident, for one
 * repository, and keeps the issues in memory. GET /user returns 403 as it does for
 * GITHUB_TOKEN. Any other request gets 404.
 */
async function startIssueServer() {
  const issues = [];
  const labels = [];
  const base = `/repos/${REPOSITORY.owner}/${REPOSITORY.repo}`;
  const server = createServer(async (request, response) => {
    let text = '';
    for await (const chunk of request) text += chunk;
    const body = text ? JSON.parse(text) : {};
    const url = new URL(request.url, 'http://127.0.0.1');
    const reply = (status, data) => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify(data));
    };
    const issueJson = (issue) => ({
      ...issue,
      html_url: `https://github.example/${REPOSITORY.owner}/${REPOSITORY.repo}/issues/${issue.number}`,
      labels: issue.labels.map((name) => ({ name })),
    });

    if (request.headers.authorization !== `token ${TOKEN}`)
      return reply(401, { message: 'Bad credentials' });
    const route = `${request.method} ${url.pathname}`;
    if (route === `GET ${base}/issues`) {
      const label = url.searchParams.get('labels');
      return reply(
        200,
        issues.filter((issue) => !label || issue.labels.includes(label)).map(issueJson),
      );
    }
    if (route === `POST ${base}/issues`) {
      const issue = {
        number: issues.length + 1,
        title: body.title,
        body: body.body,
        state: 'open',
        labels: body.labels ?? [],
      };
      issues.push(issue);
      return reply(201, issueJson(issue));
    }
    if (request.method === 'GET' && url.pathname.startsWith(`${base}/labels/`)) {
      const name = decodeURIComponent(url.pathname.slice(`${base}/labels/`.length));
      return labels.includes(name) ? reply(200, { name }) : reply(404, { message: 'Not Found' });
    }
    if (route === `POST ${base}/labels`) {
      labels.push(body.name);
      return reply(201, { name: body.name });
    }
    if (request.method === 'GET' && /\/issues\/\d+\/comments$/.test(url.pathname))
      return reply(200, []);
    if (route === 'GET /user')
      return reply(403, { message: 'Resource not accessible by integration' });
    return reply(404, { message: 'Not Found' });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { issues, url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

/** Runs dist/index.js with the environment a GitHub runner gives an action step. */
function runAction({ workspace, inputs, env, apiUrl }) {
  const temp = mkdtempSync(path.join(demo, 'runner-'));
  const eventPath = path.join(temp, 'event.json');
  writeFileSync(eventPath, JSON.stringify({ schedule: '17 */6 * * *' }));
  writeFileSync(path.join(temp, 'output'), '');
  writeFileSync(path.join(temp, 'summary.md'), '');
  const inputVariables = Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
  );
  const childEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'schedule',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_OUTPUT: path.join(temp, 'output'),
    GITHUB_STEP_SUMMARY: path.join(temp, 'summary.md'),
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: `${REPOSITORY.owner}/${REPOSITORY.repo}`,
    GITHUB_API_URL: apiUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '1',
    RUNNER_TEMP: temp,
    ...env,
    ...inputVariables,
  };
  // The issue server runs in this process, so the action must run asynchronously.
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'dist', 'index.js')], {
      env: childEnv,
      cwd: workspace,
    });
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      const visible = chunk
        .split('\n')
        .filter((line) => !line.startsWith('::debug::') && !line.startsWith('::add-mask::'))
        .join('\n');
      if (visible.trim()) process.stdout.write(`${visible.replace(/\n*$/, '')}\n`);
    });
    child.stderr.pipe(process.stderr);
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`the action exited with ${code}`)),
    );
  });
}

/** Plays the story for one language and returns the issue the action opened. */
async function playStory({ testbed, env, issueServer, language, domain }) {
  const workspace = path.join(demo, language, 'workspace');
  const accountKeyPath = path.join(demo, language, 'account-key.pem');
  const output = path.join(demo, language, 'certificates');
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
    domains: [${domain}]
`,
  );
  const git = (args) => gitIn(workspace, args);
  git(['init', '-q', '-b', 'main']);
  git(['add', '.']);
  git(['commit', '-q', '-m', 'Add the certificate manifest']);
  const cli = [
    'bin/acme-lineage.js',
    'renew',
    '--manifest',
    path.join(workspace, '.github/certificates.yml'),
    '--state',
    workspace,
    '--account-key',
    accountKeyPath,
    '--create-account-key',
    '--output',
    output,
    '--ca-certificates',
    testbed.caCertPath,
  ];

  step(`[${language}] The command line issues certificate A`);
  run('node', cli, { env: { ...process.env, ...env } });

  step(
    `[${language}] Pebble puts A's window in the past, and the command line issues B with replaces=A`,
  );
  await putWindowInThePast(testbed, git);
  run('node', [...cli, '--refresh-ari'], { env: { ...process.env, ...env } });

  step(`[${language}] Someone reverts the commits that recorded B on the state branch`);
  const journal = git([
    'log',
    '--format=%H',
    '-1',
    '--grep',
    'Journal order for web',
    'acme-lineage',
  ]);
  const tree = mkdtempSync(path.join(demo, 'state-'));
  git(['worktree', 'add', '-q', tree, 'acme-lineage']);
  gitIn(tree, [
    '-c',
    'user.name=demo',
    '-c',
    'user.email=demo@example.test',
    'revert',
    '--no-edit',
    `${journal}^..acme-lineage`,
  ]);
  git(['worktree', 'remove', '--force', tree]);
  process.stdout.write(`${git(['log', '--oneline', '-4', 'acme-lineage'])}\n`);

  step(`[${language}] The action runs: the CA returns 409 alreadyReplaced for A`);
  await runAction({
    workspace,
    apiUrl: issueServer.url,
    env,
    inputs: {
      'account-key': readFileSync(accountKeyPath, 'utf8'),
      token: TOKEN,
      'state-backend': 'git',
      'ca-certificates': testbed.caCertPath,
      'output-directory': output,
      'refresh-ari': 'true',
      language,
    },
  });
  const lineage = JSON.parse(git(['show', 'acme-lineage:web/lineage.json']));
  process.stdout.write(
    `lineage of web: ${lineage.certificates.map((record) => record.serial).join(' -> ')}\n`,
  );
  return issueServer.issues.at(-1);
}

async function putWindowInThePast(testbed, git) {
  const lineage = JSON.parse(git(['show', 'acme-lineage:web/lineage.json']));
  const chain = git(['show', `acme-lineage:web/${lineage.certificates.at(-1).chainFile}`]);
  await setRenewalInfo(testbed, chain, {
    suggestedWindow: {
      start: new Date(Date.now() - 3 * HOUR).toISOString(),
      end: new Date(Date.now() - HOUR).toISOString(),
    },
  });
}

step('Starting the test bed (Pebble 2.10 and BIND 9 on loopback)');
run('bash', ['scripts/ensure-deps.sh']);
if (
  !existsSync(path.join(root, 'dist', 'index.js')) ||
  !existsSync(path.join(root, 'dist', 'cli', 'index.js'))
) {
  run('npm', ['run', 'bundle']);
}
run('node', ['testbed/testbed.mjs', 'start']);
const testbed = JSON.parse(readFileSync(path.join(root, 'testbed/.state/settings.json'), 'utf8'));
const key = testbed.dns.tsig.sha256;
const env = {
  RFC2136_NAMESERVER: testbed.dns.server,
  RFC2136_TSIG_KEY: key.name,
  RFC2136_TSIG_SECRET: key.secret,
  RFC2136_TSIG_ALGORITHM: key.algorithm,
};

rmSync(demo, { recursive: true, force: true });
mkdirSync(demo, { recursive: true });
// Each run of the demo uses new domains, because Pebble remembers earlier replacements.
const suffix = Date.now().toString(36);
const opened = [];
for (const language of ['en', 'zh-CN']) {
  // One repository per language, so the second story opens its own issue instead of
  // commenting on the first one, which has the same certificate name and cause.
  const issueServer = await startIssueServer();
  try {
    const domain = `incident-${language.toLowerCase()}-${suffix}.example.test`;
    opened.push([language, await playStory({ testbed, env, issueServer, language, domain })]);
  } finally {
    issueServer.close();
  }
}
for (const [language, issue] of opened) {
  step(`The issue the action opened (${language}), labels: ${issue?.labels.join(', ')}`);
  process.stdout.write(issue ? `# ${issue.title}\n\n${issue.body}\n` : 'No issue was opened.\n');
}
