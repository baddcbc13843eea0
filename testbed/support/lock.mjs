// A lock file that serializes start and stop, because several test runs on one
// machine may call `start` at the same moment and must not start two test beds.
import { mkdirSync, openSync, closeSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const LOCK_TIMEOUT_MS = 60_000;
const RETRY_INTERVAL_MS = 200;

function holderIsAlive(lockPath) {
  let pid;
  try {
    pid = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
  } catch {
    // The holder removed the file between our attempt and this read.
    return true;
  }
  if (!Number.isInteger(pid) || pid <= 0) {
    return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

async function acquire(lockPath) {
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return;
    } catch (error) {
      if (error.code !== 'EEXIST') {
        throw error;
      }
    }
    if (!holderIsAlive(lockPath)) {
      rmSync(lockPath, { force: true });
      continue;
    }
    await sleep(RETRY_INTERVAL_MS);
  }
  throw new Error(
    `another test bed command held ${lockPath} for ${LOCK_TIMEOUT_MS / 1000} s; remove the file if no such command runs.`,
  );
}

/** Runs `action` while holding the lock file in `lockDir`, created if needed. */
export async function withLock(lockDir, action) {
  mkdirSync(lockDir, { recursive: true });
  const lockPath = join(lockDir, 'testbed.lock');
  await acquire(lockPath);
  try {
    return await action();
  } finally {
    rmSync(lockPath, { force: true });
  }
}
