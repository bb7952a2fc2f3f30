// Actions: OpenWhisk's action entities, with the version and revision the store assigns.
import type { Action } from '../model/action.js';

/** What a caller supplies; the store assigns version, revision and updated. */
export type ActionInput = Omit<Action, 'version' | 'revision' | 'updated'>;

export type PutActionResult =
  | { outcome: 'created' | 'updated'; action: Action }
  | { outcome: 'exists'; action: Action };

export interface ListOptions {
  limit: number;
  skip: number;
}

// Contract:
// - put() creates the action with version 0.0.1, or, with overwrite, replaces an existing one and
//   bumps the patch version (0.0.1 → 0.0.2). Without overwrite an existing action is left as it is
//   and answered with outcome 'exists' (the API's 409). The check and the write are atomic: two
//   concurrent creates of one name give one 'created' and one 'exists'.
// - Every successful put() gives a new revision (opaque, unique), the key invokers cache code by.
// - list() answers a namespace's actions, most recently updated first, after `skip`, at most `limit`;
//   an adapter may leave their exec.code empty ('') so that a list never reads 48 MB codes.
// - delete() answers the deleted action, or undefined if there was none.
// - What get(), put() and list() answer may be shared with other readers and frozen (the memory
//   adapter hands out its stored object to avoid a copy of the code per activation): callers
//   never modify it; they build a new object instead.
export interface ActionStore {
  get(namespace: string, name: string): Promise<Action | undefined>;
  put(input: ActionInput, options: { overwrite: boolean }): Promise<PutActionResult>;
  list(namespace: string, options: ListOptions): Promise<Action[]>;
  delete(namespace: string, name: string): Promise<Action | undefined>;
}

/** 0.0.1 → 0.0.2; anything unparsable restarts at 0.0.1 rather than failing an update. */
export function bumpVersion(version: string | undefined): string {
  if (!version) return '0.0.1';
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!m) return '0.0.1';
  return `${m[1]}.${m[2]}.${Number(m[3]) + 1}`;
}
