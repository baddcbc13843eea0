import { readFileSync } from 'node:fs';

/** Raised when a setting that must come from the environment is missing or unreadable. */
export class EnvironmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvironmentError';
  }
}

/**
 * Reads `name` from the environment, or the file that `<name>_FILE` points to (the
 * convention for secrets mounted as files). Setting both is an error because one of
 * them would be silently ignored. Surrounding white space in a file is dropped.
 */
export function readEnv(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const direct = env[name];
  const filePath = env[`${name}_FILE`];
  if (direct !== undefined && direct !== '' && filePath) {
    throw new EnvironmentError(`Both ${name} and ${name}_FILE are set. Set only one of them.`);
  }
  if (filePath) {
    try {
      return readFileSync(filePath, 'utf8').trim();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new EnvironmentError(`Cannot read ${name}_FILE (${filePath}): ${reason}`);
    }
  }
  return direct === '' ? undefined : direct;
}

/** Reads `name` like {@link readEnv} and fails with a message naming the variable when it is missing. */
export function requireEnv(env: NodeJS.ProcessEnv, name: string, purpose: string): string {
  const value = readEnv(env, name);
  if (value === undefined) {
    throw new EnvironmentError(`Missing ${name} (or ${name}_FILE): ${purpose}.`);
  }
  return value;
}
