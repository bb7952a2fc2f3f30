// The Node.js photon runs on, checked before anything else loads: an entry point imports this
// module first, so a process started by another Node (the system's 20, say) stops here with what
// to do, instead of failing inside isolated-vm's native addon, which is built for one V8 only.
export const REQUIRED_NODE_MAJOR = 24;

/** What is wrong with running on Node `version` (`process.version`), or undefined when nothing is. */
export function wrongNode(version: string): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (major === REQUIRED_NODE_MAJOR) return undefined;
  return (
    `photon: this is Node.js ${version}; photon runs on Node.js ${REQUIRED_NODE_MAJOR} LTS. ` +
    `Run \`. deploy/local/node-env.sh\` in this shell (it installs photon's own Node ${REQUIRED_NODE_MAJOR}), then \`npm ci\` and try again.`
  );
}

const problem = wrongNode(process.version);
if (problem !== undefined) {
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}
