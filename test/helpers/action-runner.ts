import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { parse } from 'yaml';

import type { Testbed } from './testbed.js';
import { testbedEnv } from './workspace.js';

/**
 * Runs the bundled action (`dist/index.js`) in a child process with the environment a
 * GitHub-hosted runner gives a `node24` action step, and reads back what the runner
 * would: exit code, workflow commands on stdout, step outputs and the job summary.
 * Build the bundle first with `npm run bundle`.
 */

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUNDLE = path.join(repositoryRoot, 'dist', 'index.js');

export type ActionEventName = 'schedule' | 'workflow_dispatch' | 'pull_request';

export interface ActionRun {
  /** Inputs as a workflow's `with:` sets them; action.yml supplies the defaults of the rest. */
  inputs: Record<string, string>;
  event: { name: ActionEventName; payload: object };
  /** GITHUB_WORKSPACE, the checked-out repository. */
  workspace: string;
  /** Extra variables, such as the DNS provider's credentials. */
  env?: Record<string, string | undefined>;
  /** GITHUB_API_URL, the fake GitHub's address. */
  apiUrl?: string;
  /** GITHUB_REPOSITORY; `example/certificates` as the fake GitHub uses when absent. */
  repository?: string;
}

export interface ActionResult {
  code: number;
  /** Lines the action printed, without `::add-mask::` commands, which the runner consumes. */
  stdout: string[];
  stderr: string;
  /** Values registered with `::add-mask::`, which the runner would hide from the log. */
  masks: string[];
  outputs: Record<string, string>;
  summary: string;
}

interface ActionDefinition {
  inputs: Record<string, { default?: string }>;
}

/** Runs the bundle once, as a workflow step with `uses: ./`. */
export async function runAction(run: ActionRun): Promise<ActionResult> {
  if (!existsSync(BUNDLE)) {
    throw new Error(`Missing bundle ${BUNDLE}: run \`npm run bundle\` before these tests.`);
  }
  const directory = mkdtempSync(path.join(tmpdir(), 'acme-lineage-runner-'));
  const eventPath = path.join(directory, 'event.json');
  const outputPath = path.join(directory, 'output');
  const summaryPath = path.join(directory, 'step-summary.md');
  writeFileSync(eventPath, JSON.stringify(run.event.payload));
  writeFileSync(outputPath, '');
  writeFileSync(summaryPath, '');

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? directory,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_EVENT_NAME: run.event.name,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_WORKSPACE: run.workspace,
    GITHUB_REPOSITORY: run.repository ?? 'example/certificates',
    GITHUB_API_URL: run.apiUrl ?? 'https://api.github.com',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '4242',
    RUNNER_TEMP: directory,
    ...inputVariables(run.inputs),
  };
  for (const [name, value] of Object.entries(run.env ?? {})) {
    if (value !== undefined) env[name] = value;
  }

  const { code, stdout, stderr } = await spawnBundle(env, run.workspace);
  const lines = stdout.split('\n').filter((line) => line !== '');
  return {
    code,
    stdout: lines.filter((line) => !line.startsWith('::add-mask::')),
    stderr,
    masks: lines
      .filter((line) => line.startsWith('::add-mask::'))
      .map((line) => line.slice('::add-mask::'.length)),
    outputs: parseOutputFile(readFileSync(outputPath, 'utf8')),
    summary: readFileSync(summaryPath, 'utf8'),
  };
}

/**
 * Builds `INPUT_<NAME>` for every input of action.yml, as the runner does: the name is
 * upper-cased with spaces turned into `_` and hyphens kept, and an input the workflow
 * leaves out gets its default. The `${{ github.token }}` default is left empty here,
 * so a test passes the fake's token explicitly.
 */
export function inputVariables(inputs: Record<string, string>): Record<string, string> {
  const definition = parse(
    readFileSync(path.join(repositoryRoot, 'action.yml'), 'utf8'),
  ) as ActionDefinition;
  const unknown = Object.keys(inputs).filter((name) => !(name in definition.inputs));
  if (unknown.length > 0) {
    throw new Error(
      `Unknown action input(s) ${unknown.join(', ')}: action.yml does not declare them.`,
    );
  }

  const variables: Record<string, string> = {};
  for (const [name, spec] of Object.entries(definition.inputs)) {
    const fallback = spec.default?.includes('${{') ? '' : (spec.default ?? '');
    variables[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = inputs[name] ?? fallback;
  }
  return variables;
}

/** Parses GITHUB_OUTPUT: `name=value` lines and `name<<delimiter` heredocs. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name = '', delimiter] = heredoc;
      const end = lines.indexOf(delimiter ?? '', index + 1);
      if (end === -1) throw new Error(`GITHUB_OUTPUT: no closing delimiter for output ${name}`);
      outputs[name] = lines.slice(index + 1, end).join('\n');
      index = end;
    } else if (line.includes('=')) {
      const at = line.indexOf('=');
      outputs[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return outputs;
}

function spawnBundle(
  env: Record<string, string>,
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  // The fake GitHub runs in the test's own process, so the child must run
  // asynchronously: a synchronous spawn would block the fake's event loop.
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUNDLE], {
      env,
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

// ---- Event payloads -----------------------------------------------------------------

/** Repository of the fake GitHub, for the `repository` object of a payload. */
export interface PayloadRepository {
  owner: string;
  repo: string;
}

/** One event of @octokit/webhooks-examples, a JSON list of GitHub's documented payloads. */
interface WebhookExamples {
  name: string;
  examples: Array<Record<string, unknown>>;
}

// The package is a CommonJS JSON module whose type declaration NodeNext resolution
// cannot read as a default export, so it is loaded with require.
const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as WebhookExamples[];

function exampleOf(eventName: string, action?: string): Record<string, unknown> {
  const definition = examples.find((candidate) => candidate.name === eventName);
  const example = definition?.examples.find(
    (candidate) => action === undefined || candidate.action === action,
  );
  if (!example) throw new Error(`@octokit/webhooks-examples has no ${eventName} ${action ?? ''}`);
  return structuredClone(example);
}

/** Points a payload's repository object at the fake's repository. */
function adjustRepository(
  repository: Record<string, unknown>,
  target: PayloadRepository,
): Record<string, unknown> {
  const owner = { ...(repository.owner as Record<string, unknown>), login: target.owner };
  return {
    ...repository,
    name: target.repo,
    full_name: `${target.owner}/${target.repo}`,
    owner,
  };
}

/** GitHub's `pull_request` `opened` example, numbered `number` in the fake's repository. */
export function pullRequestPayload(target: PayloadRepository, number: number): object {
  const payload = exampleOf('pull_request', 'opened');
  payload.number = number;
  payload.pull_request = { ...(payload.pull_request as object), number };
  payload.repository = adjustRepository(payload.repository as Record<string, unknown>, target);
  return payload;
}

/** GitHub's `workflow_dispatch` example, in the fake's repository. */
export function workflowDispatchPayload(target: PayloadRepository): object {
  const payload = exampleOf('workflow_dispatch');
  payload.repository = adjustRepository(payload.repository as Record<string, unknown>, target);
  return payload;
}

/**
 * Builds a `schedule` payload as GitHub sends it: the cron expression plus the repository
 * object. The repository is taken from a documented example, because GitHub's
 * examples include no schedule event.
 */
export function schedulePayload(target: PayloadRepository, cron = '17 */6 * * *'): object {
  const repository = exampleOf('workflow_dispatch').repository as Record<string, unknown>;
  return { schedule: cron, repository: adjustRepository(repository, target) };
}

/** Returns the test bed's RFC 2136 variables, without PATH and HOME, which runAction sets. */
export function testbedActionEnv(testbed: Testbed): Record<string, string | undefined> {
  const variables: Record<string, string | undefined> = { ...testbedEnv(testbed) };
  delete variables.PATH;
  delete variables.HOME;
  return variables;
}
