// Unit tests need no API server; e2e tests need the test bed (`make cluster-up`) and run serially.
const transform = {
  "^.+\\.ts$": [
    "@swc/jest",
    { jsc: { parser: { syntax: "typescript" }, target: "es2024" }, module: { type: "es6" } },
  ],
};
const common = { transform, extensionsToTreatAsEsm: [".ts"], testEnvironment: "node" };

export default {
  projects: [
    { ...common, displayName: "unit", testMatch: ["<rootDir>/{operator,e2e,infra}/**/*.unit.test.ts"] },
    {
      ...common,
      displayName: "e2e",
      testMatch: ["<rootDir>/e2e/tests/**/*.e2e.test.ts"],
    },
  ],
};
