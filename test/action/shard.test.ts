import { describe, expect, it } from 'vitest';

import { selectShard, shardOf } from '../../src/action/shard.js';

const NAMES = Array.from({ length: 200 }, (_, i) => `site-${i}.example.com`);

describe('selectShard', () => {
  it('splits names into disjoint shards that cover all', () => {
    const count = 4;
    const shards = Array.from({ length: count }, (_, i) =>
      selectShard(NAMES, { index: i + 1, count }),
    );
    const union = shards.flat();

    expect(union).toHaveLength(NAMES.length);
    expect(new Set(union).size).toBe(NAMES.length);
    for (const shard of shards) {
      expect(shard.length).toBeGreaterThan(0);
    }
  });

  it('keeps the original order', () => {
    const shard = selectShard(NAMES, { index: 2, count: 3 });

    expect(shard).toEqual(NAMES.filter((name) => shard.includes(name)));
  });

  it('moves only the added certificate', () => {
    const before = Array.from({ length: 3 }, (_, i) =>
      selectShard(NAMES, { index: i + 1, count: 3 }),
    );
    const added = [...NAMES.slice(0, 100), 'new.example.org', ...NAMES.slice(100)];
    const after = Array.from({ length: 3 }, (_, i) =>
      selectShard(added, { index: i + 1, count: 3 }),
    );

    for (let i = 0; i < 3; i++) {
      expect(after[i]?.filter((name) => name !== 'new.example.org')).toEqual(before[i]);
    }
  });

  it('moves nothing when a certificate is removed', () => {
    const removed = NAMES.filter((name) => name !== 'site-7.example.com');

    for (let index = 1; index <= 5; index++) {
      const before = selectShard(NAMES, { index, count: 5 }).filter(
        (n) => n !== 'site-7.example.com',
      );
      expect(selectShard(removed, { index, count: 5 })).toEqual(before);
    }
  });

  it('returns everything for a single shard', () => {
    expect(selectShard(NAMES, { index: 1, count: 1 })).toEqual(NAMES);
  });

  it('assigns a name the same shard on every call', () => {
    expect(shardOf('www.example.com', 4)).toBe(shardOf('www.example.com', 4));
    expect(
      selectShard(['www.example.com'], { index: shardOf('www.example.com', 4), count: 4 }),
    ).toEqual(['www.example.com']);
  });

  it('rejects an index above the count', () => {
    expect(() => selectShard(NAMES, { index: 5, count: 4 })).toThrow(
      'Invalid shard 5/4. Expected i/n with 1 <= i <= n, for example 2/4.',
    );
  });
});
