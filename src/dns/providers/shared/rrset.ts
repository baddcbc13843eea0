import { KeyedQueue, retryOnConflict } from './serialize.js';

/** One TXT record set as read from an API: the plain values plus whatever the API needs to guard a write. */
export interface TxtRecordSet<Version> {
  values: string[];
  ttl: number;
  /** The API's concurrency guard for this read, such as an etag or the exact old record set. */
  version: Version;
}

/** API calls that a record-set provider supplies to {@link TxtRecordSetEditor}. */
export interface TxtRecordSetApi<Zone, Version> {
  read(zone: Zone, name: string): Promise<TxtRecordSet<Version> | undefined>;
  /**
   * Replaces `current` (absent when no set exists) with `values`, deleting the set when
   * `values` is empty. Must fail with an error that `isConflict` accepts when the
   * set changed since it was read.
   */
  write(
    zone: Zone,
    name: string,
    current: TxtRecordSet<Version> | undefined,
    values: string[],
  ): Promise<void>;
  isConflict(error: unknown): boolean;
}

/** Attempts for one change when the API reports that another writer changed the set first. */
const MAX_CONFLICT_ATTEMPTS = 5;
/** TTL of a record set this editor creates, in seconds. */
export const DEFAULT_TXT_TTL = 60;

/**
 * Adds and removes single values of a TXT record set for providers that store all
 * values of a name as one set (Route 53, Google Cloud DNS, Azure DNS). Changes to one
 * name run one at a time inside this process, and each write carries the API's guard
 * against writers outside it, retried on conflict with a fresh read.
 */
export class TxtRecordSetEditor<Zone, Version> {
  private readonly queue = new KeyedQueue();

  constructor(private readonly api: TxtRecordSetApi<Zone, Version>) {}

  /** Adds `value` beside the existing values; returns false when the value was already there. */
  add(zone: Zone, name: string, value: string): Promise<boolean> {
    return this.change(name, async () => {
      const current = await this.api.read(zone, name);
      if (current?.values.includes(value)) return false;
      await this.api.write(zone, name, current, [...(current?.values ?? []), value]);
      return true;
    });
  }

  /** Removes `value` only, deleting the set when no other value remains; returns false when it was absent. */
  remove(zone: Zone, name: string, value: string): Promise<boolean> {
    return this.change(name, async () => {
      const current = await this.api.read(zone, name);
      if (!current?.values.includes(value)) return false;
      await this.api.write(
        zone,
        name,
        current,
        current.values.filter((existing) => existing !== value),
      );
      return true;
    });
  }

  private change(name: string, step: () => Promise<boolean>): Promise<boolean> {
    return this.queue.run(name, () =>
      retryOnConflict(MAX_CONFLICT_ATTEMPTS, step, (error) => this.api.isConflict(error)),
    );
  }
}
