// The npm packages that OpenWhisk's Node.js runtime image bundles: its package.json's
// `dependencies` (apache/openwhisk-runtime-nodejs core/nodejsActionBase/package.json, copied into
// core/nodejs20Action by its build.gradle), installed by its Dockerfile at `/` so that they sit in
// `/node_modules`, the last directory Node's resolution walks to: an action's own copy (in its zip's
// node_modules) wins, and an action without one still finds them.
//
// A separate table from BUILTIN_MODULES on purpose: a built-in wins over node_modules, these lose
// to it. The guest's loader asks for one of these only once Node's resolution has failed
// (guest-module-loader.js), for `require(name)` and `import … from name` alike; a single-file action
// (no node_modules) reaches them directly. Each is bundled by build-builtins.ts into
// .bundle/packages/<name>.js with everything it requires except Node's built-ins (answered by the
// layer), and compiled in the guest on first require: an action that does not use them pays nothing.
//
// photon installs them under npm aliases (`ow-runtime-<name>`, package.json) at exactly the image's
// versions, so that they neither collide with photon's own dependency tree (bullmq's optional
// `redis` peer wants redis ≥ 5) nor with the `openwhisk` client photon's tests use.

/** One bundled package: the version OpenWhisk's image pins and where photon's node_modules holds it. */
export interface BundledPackage {
  /** The exact version OpenWhisk's nodejs20 image installs (the build refuses any other). */
  readonly version: string;
  /** The npm alias under which it is installed in photon's node_modules. */
  readonly installedAs: string;
}

const p = (name: string, version: string): BundledPackage => ({ version, installedAs: `ow-runtime-${name}` });

/** Package name (what an action requires) → the bundled copy. */
export const BUNDLED_PACKAGES: Readonly<Record<string, BundledPackage>> = {
  express: p('express', '4.20.0'),
  openwhisk: p('openwhisk', '3.21.8'),
  redis: p('redis', '4.0.4'),
  'serialize-error': p('serialize-error', '9.1.0'),
  uuid: p('uuid', '8.3.2'),
};
