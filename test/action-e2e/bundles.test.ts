import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const binary = fileURLToPath(new URL('../../bin/acme-lineage.js', import.meta.url));

// `npm run demo`, `npm run demo:incident` and users of the package run the command
// line through bin/acme-lineage.js, which imports the bundle in dist/cli. A bundle
// built from lib/cli/main.js instead of lib/cli/index.js defines main() without
// calling it, so every command would exit 0 having done nothing.
describe('command line bundle', () => {
  it('prints its usage for --help', () => {
    const output = execFileSync(process.execPath, [binary, '--help'], { encoding: 'utf8' });

    expect(output).toContain('Usage: acme-lineage <renew|plan|check>');
  });
});
