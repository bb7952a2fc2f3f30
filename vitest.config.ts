import { defineConfig } from 'vitest/config';

// Three tiers, run as vitest projects. Every tier runs in forked processes, not worker threads:
// isolated-vm needs --no-node-snapshot, and setns(2) moves the calling thread, so each test file
// gets a process of its own.
export default defineConfig({
  test: {
    pool: 'forks',
    poolOptions: { forks: { execArgv: ['--no-node-snapshot'] } },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 20_000 } },
      {
        extends: true,
        test: { name: 'int', include: ['test/int/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // e2e tests own machine-wide things (namespaces, ports, processes): one file at a time.
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
