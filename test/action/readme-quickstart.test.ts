import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { readSettings } from '../../src/action/settings.js';
import { parseManifest } from '../../src/manifest/index.js';

interface ActionDefinition {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, unknown>;
}

interface WorkflowStep {
  id?: string;
  uses?: string;
  with?: Record<string, string | number | boolean>;
}

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const chineseReadme = readFileSync(new URL('../../README.zh-CN.md', import.meta.url), 'utf8');
const action = parse(
  readFileSync(new URL('../../action.yml', import.meta.url), 'utf8'),
) as ActionDefinition;

/** Returns the text of the section under `heading`, up to the next `## ` heading. */
function section(heading: string, text = readme): string {
  const start = text.indexOf(`\n## ${heading}\n`);
  expect(start, `README section "${heading}"`).toBeGreaterThanOrEqual(0);
  const end = text.indexOf('\n## ', start + heading.length + 4);
  return text.slice(start, end === -1 ? undefined : end);
}

/** Returns the fenced `yaml` blocks of `text`, without their indentation. */
function yamlBlocks(text: string): string[] {
  const blocks: string[] = [];
  for (const match of text.matchAll(/^( *)```yaml\n([\s\S]*?)^\1```/gm)) {
    const indent = match[1]?.length ?? 0;
    const body = match[2] ?? '';
    blocks.push(
      body
        .split('\n')
        .map((line) => line.slice(indent))
        .join('\n'),
    );
  }
  return blocks;
}

/** Returns the table rows of `text` as cells, without the header and separator rows. */
function tableRows(text: string): string[][] {
  const rows = text
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
  return rows.slice(2);
}

function codeNames(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1] as string);
}

/** Replaces a `${{ secrets.X }}` expression with a new P-256 key in PEM, the form account-key takes. */
function withSecrets(value: string): string {
  if (!value.includes('${{')) return value;
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

const ENV: NodeJS.ProcessEnv = {
  GITHUB_REPOSITORY: 'octo-org/infra',
  GITHUB_WORKSPACE: '/home/runner/work/infra/infra',
  RUNNER_TEMP: '/home/runner/work/_temp',
};

describe('README quick start', () => {
  const [manifestBlock, workflowBlock] = yamlBlocks(section('Quick start'));
  const workflow = parse(workflowBlock ?? '') as {
    on: Record<string, unknown>;
    jobs: Record<string, { steps: WorkflowStep[] }>;
  };
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
  const step = steps.find((candidate) => /(^|\/)acme-lineage@/.test(candidate.uses ?? ''));

  it('has a manifest that parses', () => {
    const manifest = parseManifest(manifestBlock ?? '', '.github/certificates.yml');

    expect(manifest.certificates.map((certificate) => certificate.name)).toEqual(['www', 'api']);
  });

  it('uses only declared inputs', () => {
    expect(step).toBeDefined();
    for (const name of Object.keys(step?.with ?? {})) {
      expect(Object.keys(action.inputs), name).toContain(name);
    }
  });

  it('has inputs that readSettings accepts', () => {
    const given = Object.fromEntries(
      Object.entries(step?.with ?? {}).map(([name, value]) => [name, withSecrets(String(value))]),
    );
    const getInput = (name: string): string => {
      const fallback = action.inputs[name]?.default ?? '';
      return given[name] ?? (fallback.includes('${{') ? 'ghs_runner_token_value' : fallback);
    };

    const scheduled = readSettings(getInput, ENV, 'schedule');
    const pullRequest = readSettings(getInput, ENV, 'pull_request');

    expect(scheduled.mode).toBe('renew');
    expect(pullRequest.mode).toBe('plan');
    expect(scheduled.accountKey).toContain('PRIVATE KEY');
    expect(scheduled.stateBackend).toBe('github');
  });

  it('reads the outputs the action sets', () => {
    const outputs = steps
      .flatMap((candidate) => JSON.stringify(candidate).match(/outputs\.([a-z-]+)/g) ?? [])
      .map((reference) => reference.slice('outputs.'.length));

    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) {
      expect(Object.keys(action.outputs), output).toContain(output);
    }
  });

  it('runs on the events the mode depends on', () => {
    expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(['schedule', 'pull_request']));
  });
});

// The Chinese README translates its headings, so each README names its own sections.
const READMES = [
  { file: 'README.md', text: readme, inputs: 'Inputs', outputs: 'Outputs' },
  { file: 'README.zh-CN.md', text: chineseReadme, inputs: '输入', outputs: '输出' },
];

describe.each(READMES)('$file reference tables', ({ text, inputs, outputs }) => {
  it('lists exactly the inputs of action.yml', () => {
    const names = tableRows(section(inputs, text)).flatMap((row) => codeNames(row[0] ?? ''));

    expect([...names].sort()).toEqual(Object.keys(action.inputs).sort());
  });

  it('shows the defaults of action.yml', () => {
    for (const row of tableRows(section(inputs, text))) {
      const [names = '', documented = ''] = row;
      for (const name of codeNames(names)) {
        const actual = action.inputs[name]?.default ?? '';
        // Empty defaults and expressions are described in words in the README.
        if (actual === '' || actual.includes('${{')) continue;
        expect(codeNames(documented), name).toContain(actual);
      }
    }
  });

  it('lists exactly the outputs of action.yml', () => {
    const names = tableRows(section(outputs, text)).flatMap((row) => codeNames(row[0] ?? ''));

    expect([...names].sort()).toEqual(Object.keys(action.outputs).sort());
  });
});

describe('Chinese README', () => {
  it('has the quick start of README.md', () => {
    // Only YAML comments are translated, so both READMEs must parse to the same data.
    const english = yamlBlocks(section('Quick start')).map((block) => parse(block) as unknown);
    const chinese = yamlBlocks(section('快速开始', chineseReadme)).map(
      (block) => parse(block) as unknown,
    );

    expect(chinese).toEqual(english);
  });

  it('has the manifest reference of README.md', () => {
    const english = yamlBlocks(section('Manifest reference')).map(
      (block) => parse(block) as unknown,
    );
    const chinese = yamlBlocks(section('清单文件参考', chineseReadme)).map(
      (block) => parse(block) as unknown,
    );

    expect(chinese).toEqual(english);
  });

  it('has the DNS provider variables of README.md', () => {
    const variables = (heading: string, text: string): string[] =>
      tableRows(section(heading, text)).map((row) =>
        [row[1], row[2]].flatMap((cell) => codeNames(cell ?? '')).join(' '),
      );

    expect(variables('DNS 服务商', chineseReadme)).toEqual(variables('DNS providers', readme));
  });
});
