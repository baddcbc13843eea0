import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { setRenewalInfo, type Testbed } from './testbed.js';
import type { Workspace } from './workspace.js';

const HOUR = 3_600_000;

/** Tells Pebble that the current certificate of `name` must be replaced now. */
export async function windowInThePast(
  testbed: Testbed,
  workspace: Workspace,
  name: string,
): Promise<void> {
  const current = workspace.lineage(name).certificates.at(-1)!;
  const chain = workspace.git(['show', `acme-lineage:${name}/${current.chainFile}`]);
  await setRenewalInfo(testbed, chain, {
    suggestedWindow: {
      start: new Date(Date.now() - 3 * HOUR).toISOString(),
      end: new Date(Date.now() - HOUR).toISOString(),
    },
  });
}

/** Runs commands in a temporary work tree of the state branch, as a person editing it would. */
export function onStateBranch(workspace: Workspace, commands: string[][]): void {
  const tree = mkdtempSync(path.join(tmpdir(), 'acme-lineage-state-'));
  workspace.git(['worktree', 'add', '-q', tree, 'acme-lineage']);
  try {
    for (const [program, ...args] of commands) {
      const command = program === 'git' || program === 'sh' ? program : 'git';
      const commandArgs =
        program === 'git' || program === 'sh' ? args : [program as string, ...args];
      execFileSync(command, commandArgs, { cwd: tree });
    }
  } finally {
    workspace.git(['worktree', 'remove', '--force', tree]);
  }
}
