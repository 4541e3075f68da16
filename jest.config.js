// Unit tests need no API server; e2e tests need the test bed (`make cluster-up`). A test bed runs one e2e file at
// a time: `make test` gives each jest worker a bed of its own (e2e/support/testbed-environment.ts).
const transform = {
  "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2024" }, module: { type: "es6" } }],
};
// Test beds live in .testbed/: etcd's own snapshot files there end in .snap, which jest would take for obsolete
// snapshots (and fail the run) once a bed's etcd has written one.
const common = { transform, extensionsToTreatAsEsm: [".ts"], testEnvironment: "node", modulePathIgnorePatterns: ["<rootDir>/.testbed/"] };

export default {
  projects: [
    { ...common, displayName: "unit", testMatch: ["<rootDir>/{operator,e2e,infra}/**/*.unit.test.ts"] },
    {
      ...common,
      displayName: "e2e",
      testEnvironment: "<rootDir>/e2e/support/testbed-environment.ts",
      // BRIDGES=jvb (real Jitsi on the test bed) runs every suite: those that need the emulator skip
      // themselves, saying so (withEmulator); the *.jvb.e2e.test.ts suites need Prosody and Jicofo.
      testMatch: ["<rootDir>/e2e/tests/**/*.e2e.test.ts"],
      testPathIgnorePatterns: process.env.BRIDGES === "jvb" ? [] : ["\\.jvb\\.e2e\\.test\\.ts$"],
    },
  ],
};
