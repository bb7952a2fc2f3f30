// Packages and package bindings: OpenWhisk's WhiskPackage (docs/packages.md, core/entity/
// WhiskPackage.scala) as photon stores it. A package groups actions (stored under the namespace
// path `ns/pkg`); a binding is a package whose `binding` names another package, and holds no
// actions of its own: its actions are those of the package it binds, with its parameters on top.
import type { KeyValue } from './action.js';
import type { Entity, EntityRef } from './trigger.js';

export interface Package extends Entity {
  /** Set on a binding: the package it binds (a package, never another binding). */
  binding?: EntityRef;
  parameters: KeyValue[];
  annotations: KeyValue[];
  /** Shared: readable and invokable by every namespace, writable only by its owner. */
  publish: boolean;
}

/** `ns/pkg` → {namespace: 'ns', pkg: 'pkg'}; `ns` → {namespace: 'ns'}. Entity names cannot hold '/'. */
export function splitPath(path: string): { namespace: string; pkg?: string } {
  const cut = path.indexOf('/');
  return cut < 0 ? { namespace: path } : { namespace: path.slice(0, cut), pkg: path.slice(cut + 1) };
}
