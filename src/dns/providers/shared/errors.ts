import { EnvironmentError, readEnv } from '../../../env.js';

/** Failure of a cloud DNS provider; the message starts with the provider id. */
export class ProviderError extends Error {
  constructor(
    readonly provider: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${provider}: ${message}`, options);
    this.name = 'ProviderError';
  }
}

/** Reads an optional setting (NAME or NAME_FILE) and prefixes any error with the provider id. */
export function readSetting(
  provider: string,
  env: NodeJS.ProcessEnv,
  name: string,
): string | undefined {
  try {
    return readEnv(env, name);
  } catch (error) {
    if (error instanceof EnvironmentError)
      throw new ProviderError(provider, error.message, { cause: error });
    throw error;
  }
}

/** Reads the first of `names` that is set; the error for a missing value names the first one. */
export function requireSetting(
  provider: string,
  env: NodeJS.ProcessEnv,
  names: readonly string[],
  purpose: string,
): string {
  for (const name of names) {
    const value = readSetting(provider, env, name);
    if (value !== undefined) return value;
  }
  const [first, ...aliases] = names;
  const alias = aliases.length > 0 ? ` (also read from ${aliases.join(', ')})` : '';
  throw new ProviderError(provider, `Missing ${first} (or ${first}_FILE)${alias}: ${purpose}.`);
}

/** Returns the message of any thrown value. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
