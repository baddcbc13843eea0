import type { Lineage } from './types.js';

/** New content for one certificate's folder on the state branch. */
export interface LineageChange {
  lineage: Lineage;
  /** Extra files to write beside `lineage.json`, keyed by path relative to the folder. */
  files?: Record<string, string>;
}

/** Commit that a store created. */
export interface CommitInfo {
  commit: string;
  /** Web address of the commit, when the backend has one. */
  url?: string;
}

/**
 * Storage of lineages on a state branch. Backends: a git repository on disk, and
 * the GitHub Git Data API. Callers never see which one they use.
 */
export interface LineageStore {
  /** Human-readable location, for logs: branch and repository. */
  readonly description: string;
  read(name: string): Promise<Lineage | undefined>;
  readAll(): Promise<Lineage[]>;
  /**
   * Applies `change` to the current lineage of `name` and commits the result. When
   * another writer moved the branch meanwhile, the store re-reads and calls `change`
   * again, so `change` must be a pure function of its argument.
   */
  update(
    name: string,
    change: (current: Lineage | undefined) => LineageChange,
    message: string,
  ): Promise<CommitInfo>;
}
