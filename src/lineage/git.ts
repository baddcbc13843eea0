import { execFile, execFileSync } from 'node:child_process';

/** Exit status, output and error output of one git command. */
export interface GitResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface GitRunOptions {
  /** Text written to the command's standard input. */
  input?: string;
  /** Variables added to the environment, for example GIT_INDEX_FILE or the author. */
  env?: Record<string, string>;
  /** Exit codes other than 0 that the caller handles itself instead of getting an error. */
  allowedExitCodes?: number[];
}

/** A git command that exited with a status its caller did not expect. */
export class GitCommandError extends Error {
  constructor(
    readonly args: string[],
    readonly exitCode: number | string,
    readonly stderr: string,
  ) {
    const detail = stderr.trim() === '' ? '(no error output)' : stderr.trim();
    super(`git ${args[0] ?? ''} failed with exit code ${exitCode}: ${detail}`);
    this.name = 'GitCommandError';
  }
}

/**
 * Variables that would point git at another repository, index or work tree than
 * the one the store was given. A parent process such as a git hook may set them.
 */
const INHERITED_REPOSITORY_VARIABLES = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
  'GIT_PREFIX',
];

const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

/** Replaces the user and password part of URLs such as `https://x-access-token:TOKEN@host/`. */
export function redactUrlCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
}

function gitEnvironment(extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of INHERITED_REPOSITORY_VARIABLES) delete env[name];

  // Messages are parsed (for example "couldn't find remote ref"), so they must not
  // be translated, and a push without credentials must fail instead of prompting.
  env.LC_ALL = 'C';
  env.GIT_TERMINAL_PROMPT = '0';
  return { ...env, ...extra };
}

/**
 * Runs `git -C repository ...args` and returns its output as bytes. Throws
 * GitCommandError when the exit code is neither 0 nor in `allowedExitCodes`, with
 * credentials in URLs removed from the error output.
 */
export function runGitRaw(
  repository: string,
  args: string[],
  options: GitRunOptions = {},
): Promise<{ exitCode: number; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      ['-C', repository, ...args],
      { env: gitEnvironment(options.env), encoding: 'buffer', maxBuffer: MAX_OUTPUT_BYTES },
      (error, stdout, stderrBytes) => {
        const stderr = redactUrlCredentials(stderrBytes.toString('utf8'));
        if (error === null) {
          resolve({ exitCode: 0, stdout, stderr });
          return;
        }

        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          reject(new Error('git was not found on PATH. Install git 2.29 or newer.'));
          return;
        }
        if (typeof code === 'number' && options.allowedExitCodes?.includes(code)) {
          resolve({ exitCode: code, stdout, stderr });
          return;
        }
        reject(new GitCommandError(args, code ?? 'unknown', stderr));
      },
    );

    // A command that exits before reading its input closes the pipe, and the
    // resulting EPIPE is reported through the exit code instead.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input ?? '');
  });
}

/**
 * Runs a git command synchronously and returns its output as UTF-8 text. Only for
 * quick queries while a store is created; everything else uses the async runners.
 */
export function runGitSync(repository: string, args: string[]): string {
  try {
    return execFileSync('git', ['-C', repository, ...args], {
      env: gitEnvironment(undefined),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { status?: number | null; stderr?: string };
    if (failure.code === 'ENOENT') {
      throw new Error('git was not found on PATH. Install git 2.29 or newer.', { cause: error });
    }
    throw new GitCommandError(
      args,
      failure.status ?? 'unknown',
      redactUrlCredentials(failure.stderr ?? ''),
    );
  }
}

/** Runs a git command like runGitRaw and returns its output as UTF-8 text. */
export async function runGit(
  repository: string,
  args: string[],
  options: GitRunOptions = {},
): Promise<GitResult> {
  const result = await runGitRaw(repository, args, options);
  return {
    exitCode: result.exitCode,
    stdout: result.stdout.toString('utf8'),
    stderr: result.stderr,
  };
}

/**
 * Reads many blobs with one `git cat-file --batch`. Each revision has the form
 * `<commit>:<path>`. The result has one entry per revision, in the same order, and
 * undefined where the path does not exist at that commit or is not a file.
 */
export async function readBlobs(
  repository: string,
  revisions: string[],
): Promise<(string | undefined)[]> {
  if (revisions.length === 0) return [];
  for (const revision of revisions) {
    if (/[\n\r]/.test(revision))
      throw new Error(`Invalid revision ${JSON.stringify(revision)}: it contains a line break.`);
  }

  const { stdout } = await runGitRaw(repository, ['cat-file', '--batch'], {
    input: revisions.map((revision) => `${revision}\n`).join(''),
  });

  const contents: (string | undefined)[] = [];
  let offset = 0;
  for (const revision of revisions) {
    const headerEnd = stdout.indexOf(0x0a, offset);
    if (headerEnd < 0) throw new Error(`git cat-file --batch ended early, before ${revision}.`);
    const header = stdout.subarray(offset, headerEnd).toString('utf8').split(' ');
    offset = headerEnd + 1;

    // Missing objects print "<revision> missing"; the revision may contain spaces,
    // so the header is recognized by its last word.
    if (header[header.length - 1] === 'missing' || header[header.length - 1] === 'ambiguous') {
      contents.push(undefined);
      continue;
    }
    const size = Number(header[2]);
    const content = stdout.subarray(offset, offset + size);
    offset += size + 1;
    contents.push(header[1] === 'blob' ? content.toString('utf8') : undefined);
  }
  return contents;
}
