import { createHash } from 'node:crypto';

import type { Shard } from './settings.js';

/**
 * Returns the 1-based shard that owns a certificate name. The shard depends only on
 * the name and the shard count, so adding or removing a certificate moves no other
 * certificate to another job, and every job of a matrix agrees without coordination.
 */
export function shardOf(name: string, count: number): number {
  const digest = createHash('sha256').update(name, 'utf8').digest();
  return (digest.readUInt32BE(0) % count) + 1;
}

/** Keeps the names that belong to `shard`, in their original order. */
export function selectShard(names: string[], shard: Shard): string[] {
  if (!Number.isInteger(shard.count) || shard.count < 1) {
    throw new RangeError(
      `Invalid shard count ${shard.count}. Expected a whole number of at least 1.`,
    );
  }
  if (!Number.isInteger(shard.index) || shard.index < 1 || shard.index > shard.count) {
    throw new RangeError(
      `Invalid shard ${shard.index}/${shard.count}. Expected i/n with 1 <= i <= n, for example 2/4.`,
    );
  }
  return names.filter((name) => shardOf(name, shard.count) === shard.index);
}
