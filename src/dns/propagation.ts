import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log.js';
import { DEFAULT_DNS_TIMEOUT_MS, describe } from './client.js';
import { lookupTxt } from './lookup.js';

/** Raised when some TXT values are still missing at some servers when the wait ends. */
export class PropagationTimeoutError extends Error {
  constructor(
    message: string,
    /** Missing values per server address. */
    readonly missing: Record<string, string[]>,
  ) {
    super(message);
    this.name = 'PropagationTimeoutError';
  }
}

export interface WaitForTxtOptions {
  /** Authoritative servers (`host:port`) that must all return every value. */
  servers: string[];
  /** Maximum total wait, in milliseconds. */
  timeoutMs: number;
  /** Pause after the first check that finds a value missing, in milliseconds; it doubles after each check. */
  initialDelayMs?: number;
  /** Upper bound of the pause between checks, in milliseconds. */
  maxDelayMs?: number;
  logger?: Logger;
}

const DEFAULT_INITIAL_DELAY_MS = 250;
const DEFAULT_MAX_DELAY_MS = 5000;

interface ServerState {
  missing: string[];
  lastError?: string;
}

/**
 * Polls each server for the TXT records at `name` until every value in `values` is
 * visible at every server. The first check is immediate and the pause between checks
 * grows exponentially up to `maxDelayMs`. Throws PropagationTimeoutError listing the
 * missing values per server when `timeoutMs` runs out.
 */
export async function waitForTxt(
  name: string,
  values: string[],
  options: WaitForTxtOptions,
): Promise<void> {
  if (options.servers.length === 0) {
    throw new Error(
      `Cannot check propagation of ${name}: no DNS server to ask. Set nameservers in the manifest.`,
    );
  }

  const started = Date.now();
  const deadline = started + options.timeoutMs;
  const pending = new Map<string, ServerState>(
    options.servers.map((server) => [server, { missing: [...values] }]),
  );
  let delay = options.initialDelayMs ?? DEFAULT_INITIAL_DELAY_MS;

  for (let check = 1; ; check++) {
    await Promise.all(
      [...pending].map(([server, state]) => checkServer(name, values, server, state, deadline)),
    );
    for (const [server, state] of pending) {
      if (state.missing.length > 0) continue;
      pending.delete(server);
      options.logger?.debug(
        `${name}: all ${values.length} TXT value(s) visible at ${server} after ${Date.now() - started} ms (check ${check})`,
      );
    }
    if (pending.size === 0) return;

    const remaining = deadline - Date.now();
    if (remaining <= 0) throw timeoutError(name, options.timeoutMs, pending);
    options.logger?.debug(
      `${name}: ${describePending(pending)}; next check in ${Math.min(delay, remaining)} ms`,
    );
    await sleep(Math.min(delay, remaining));
    delay = Math.min(delay * 2, options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS);
  }
}

async function checkServer(
  name: string,
  values: string[],
  server: string,
  state: ServerState,
  deadline: number,
): Promise<void> {
  const timeoutMs = Math.max(1, Math.min(DEFAULT_DNS_TIMEOUT_MS, deadline - Date.now()));
  try {
    const found = await lookupTxt(name, server, { timeoutMs, udpAttempts: 1 });
    state.missing = values.filter((value) => !found.includes(value));
    delete state.lastError;
  } catch (error) {
    state.lastError = describe(error);
  }
}

function describePending(pending: Map<string, ServerState>): string {
  return [...pending]
    .map(([server, state]) => {
      const values = state.missing.map((value) => `"${value}"`).join(', ');
      const lastError = state.lastError ? ` (last query failed: ${state.lastError})` : '';
      return `missing at ${server}: ${values}${lastError}`;
    })
    .join('; ');
}

function timeoutError(
  name: string,
  timeoutMs: number,
  pending: Map<string, ServerState>,
): PropagationTimeoutError {
  const missing = Object.fromEntries(
    [...pending].map(([server, state]) => [server, state.missing]),
  );
  return new PropagationTimeoutError(
    `DNS propagation of ${name} timed out after ${timeoutMs / 1000} s: ${describePending(pending)}. ` +
      'Check that the DNS provider writes to the zone these servers serve, or raise its propagation timeout.',
    missing,
  );
}
