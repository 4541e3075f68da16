// The Helm chart and the plain manifests: lint, schema errors, server-side dry runs of the main value
// combinations against the real API server (prometheus-operator's own CRDs for the monitoring objects),
// an install that creates every object, least-privilege RBAC checked with `kubectl auth can-i`, and
// the CRD kept on uninstall.

import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { jest } from "@jest/globals";
import { parseAllDocuments } from "yaml";
import { chartDir, type HelmError, helm, manifestsDir, renderManifests, root } from "../support/helm.ts";
import { crdPlurals, installCrd } from "../support/operator.ts";
import { startProcess, waitHealthy } from "../support/process.ts";
import { createNamespace, deleteNamespace, freePort, kubectl, settled, testbed, waitEstablished } from "../support/testbed.ts";

jest.setTimeout(180_000);
const bed = testbed();

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

const objectsOf = (yamlText: string): Manifest[] =>
  parseAllDocuments(yamlText)
    .map((d) => d.toJSON() as Manifest)
    .filter((m) => m?.kind);

async function valuesFile(text: string): Promise<string> {
  const file = path.join(await mkdtemp(path.join(tmpdir(), "values-")), "values.yaml");
  writeFileSync(file, text);
  return file;
}

/** `kubectl auth can-i <args> --as <account>`. */
async function canI(as: string, args: string[]): Promise<boolean> {
  const answer = await kubectl(bed, ["auth", "can-i", ...args, "--as", as]).catch((e: { stderr?: string }) => e.stderr ?? "");
  return answer.trim().startsWith("yes");
}

/** `canI`, asked until "yes" (or 30 s): the authorizer reads RBAC from a cache, so right after an apply a grant can still read "no". */
const grantedTo = (as: string, args: string[]) => settled(() => canI(as, args), true);

describe("Helm chart", () => {
  let namespace: string;
  const others: string[] = [];

  beforeAll(async () => {
    namespace = await createNamespace(bed, "chart");
    others.push(await createNamespace(bed, "chart-a"), await createNamespace(bed, "chart-b"));
    const monitoringCrds = (await promisify(execFile)(path.join(root, "e2e/testbed/tools/monitoring-crds.sh"))).stdout.trim();
    for (const kind of ["servicemonitors", "podmonitors", "prometheusrules"]) {
      await kubectl(bed, ["apply", "--server-side", "--force-conflicts", "-f", path.join(monitoringCrds, `monitoring.coreos.com_${kind}.yaml`)]);
      await waitEstablished(bed, `${kind}.monitoring.coreos.com`);
    }
  });

  afterAll(async () => {
    await helm(["uninstall", "chart-test", "-n", namespace, "--ignore-not-found", "--wait"], bed.kubeconfig).catch(() => undefined);
    for (const ns of [namespace, ...others]) await deleteNamespace(bed, ns);
  });

  test("helm lint passes", async () => {
    expect(await helm(["lint", chartDir, "--strict"])).toContain("0 chart(s) failed");
  });

  test("the plain manifests are the chart rendered with default values (run `make manifests` after a chart change)", async () => {
    expect(readFileSync(path.join(manifestsDir, "meetingfleet-operator.yaml"), "utf8")).toBe(await renderManifests());
    expect(readFileSync(path.join(manifestsDir, "kustomization.yaml"), "utf8")).toContain("meetingfleet-operator.yaml");
  });

  test("a wrong type or an unknown key in a values file fails with a message naming it", async () => {
    const wrongType = await valuesFile("replicaCount: two\n");
    const unknownKey = await valuesFile("watch:\n  mode: namespace\n  namespacess: [a]\n");
    const badMode = await valuesFile("watch:\n  mode: everywhere\n");
    const install = (file: string) =>
      helm(["install", "bad", chartDir, "-n", namespace, "-f", file], bed.kubeconfig).then(
        () => "installed",
        (e: HelmError) => e.stderr,
      );
    expect(await install(wrongType)).toMatch(/replicaCount.*(integer|type)/is);
    expect(await install(unknownKey)).toMatch(/namespacess/);
    expect(await install(badMode)).toMatch(/watch.*mode.*(namespace|cluster|enum|must be one of)/is);
    expect(await helm(["list", "-n", namespace, "-q"], bed.kubeconfig)).not.toContain("bad");
  });

  const combinations: Array<[string, () => string[]]> = [
    ["default values", () => []],
    [
      "several namespaces, monitoring objects on",
      () => [
        "--set",
        "watch.mode=namespaces",
        "--set",
        `watch.namespaces={${others.join(",")}}`,
        "--set",
        "serviceMonitor.enabled=true",
        "--set",
        "podMonitor.enabled=true",
        "--set",
        "prometheusRule.enabled=true",
      ],
    ],
    [
      "cluster-wide, no CRD, no leader election, no network policy",
      () => [
        "--set",
        "watch.mode=cluster",
        "--set",
        "crds.install=false",
        "--set",
        "leaderElection.enabled=false",
        "--set",
        "replicaCount=1",
        "--set",
        "networkPolicy.enabled=false",
      ],
    ],
  ];
  const directoryValues = [
    "--set",
    "directory.enabled=true",
    "--set-json",
    `directory.registrations=${JSON.stringify([
      { name: "garr-rome", tokenSha256: "a".repeat(64) },
      {
        name: "liceo",
        url: "http://127.0.0.1:9",
        displayName: "Liceo Galilei",
        region: "it-north",
        stats: { format: "colibri", urls: ["http://127.0.0.1:9/colibri/stats"] },
      },
    ])}`,
  ];
  combinations.push(["the directory on, with monitoring objects", () => [...directoryValues, "--set", "serviceMonitor.enabled=true"]]);

  test("the directory's objects: its own labels, only Donors in its namespace, and arguments the directory itself runs with", async () => {
    type Labels = Record<string, string>;
    interface Rendered extends Manifest {
      data?: Labels;
      spec?: {
        selector?: Labels & { matchLabels?: Labels };
        template?: { metadata: { labels: Labels }; spec: { containers: Array<{ command: string[]; args: string[] }> } };
      };
    }
    const rendered = await helm(["template", "dir", chartDir, "-n", namespace, ...directoryValues]);
    const objects = objectsOf(rendered) as Rendered[];
    const of = (kind: string, name: string) => {
      const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
      if (!found) throw new Error(`no ${kind} ${name} rendered`);
      return found;
    };
    const podsOf = (o: Rendered) => o.spec!.template!;
    const deployment = of("Deployment", "dir-meetingfleet-operator-directory");
    const operator = of("Deployment", "dir-meetingfleet-operator");
    // No selector of the operator's takes the directory's pods, and the other way round.
    const matches = (selector: Labels, labels: Labels) => Object.entries(selector).every(([k, v]) => labels[k] === v);
    expect(matches(operator.spec!.selector!.matchLabels!, podsOf(deployment).metadata.labels)).toBe(false);
    expect(matches(deployment.spec!.selector!.matchLabels!, podsOf(operator).metadata.labels)).toBe(false);
    expect(matches(of("Service", "dir-meetingfleet-operator-directory").spec!.selector!, podsOf(deployment).metadata.labels)).toBe(true);

    // Its account, applied: Donors in its own namespace, and nothing else.
    const directoryRbac = objects.filter(
      (o) => o.metadata.name === "dir-meetingfleet-operator-directory" && /^(ServiceAccount|Role|RoleBinding)$/.test(o.kind),
    );
    expect(directoryRbac).toHaveLength(3);
    // The CRDs first: `kubectl auth can-i` finds a resource by discovery, and for one the server does not serve it
    // asks about "donors.meet.meetingfleet.dev" in the core group, which no Role grants (a "no" on a fresh bed).
    await installCrd(bed);
    await kubectl(bed, ["apply", "-f", "-"], directoryRbac.map((o) => JSON.stringify(o)).join("\n"));
    const as = `system:serviceaccount:${namespace}:dir-meetingfleet-operator-directory`;
    for (const verb of ["get", "list", "watch", "create"])
      expect([verb, await grantedTo(as, [verb, "donors.meet.meetingfleet.dev", "-n", namespace])]).toEqual([verb, true]);
    expect(await grantedTo(as, ["patch", "donors.meet.meetingfleet.dev", "--subresource=status", "-n", namespace])).toBe(true);
    const denied: string[][] = [
      ["delete", "donors.meet.meetingfleet.dev", "-n", namespace],
      ["patch", "donors.meet.meetingfleet.dev", "-n", namespace],
      ["list", "donors.meet.meetingfleet.dev", "-n", others[0]!],
      ["get", "secrets", "-n", namespace],
      ["list", "meetingfleets.meet.meetingfleet.dev", "-n", namespace],
      ["list", "pods", "-n", namespace],
    ];
    for (const d of denied) expect([d.join(" "), await canI(as, d)]).toEqual([d.join(" "), false]);

    // The container's own arguments, with the ConfigMap's file, run the real directory against the test bed.
    const container = podsOf(deployment).spec.containers[0]!;
    const dir = await mkdtemp(path.join(tmpdir(), "directory-"));
    writeFileSync(path.join(dir, "registrations.json"), of("ConfigMap", "dir-meetingfleet-operator-directory").data!["registrations.json"]!);
    const port = await freePort();
    const args = container.args.map((a) =>
      a.startsWith("--registrations=")
        ? `--registrations=${dir}/registrations.json`
        : a.startsWith("--listen-address=")
          ? `--listen-address=127.0.0.1:${port}`
          : a,
    );
    expect(args).toContain(`--donors-namespace=${namespace}`);
    expect(container.command).toEqual(["node", "operator/src/directory/main.ts"]);
    const directory = startProcess(bed, "chart-directory", process.execPath, [
      path.join(root, container.command[1]!),
      ...args,
      `--kubeconfig=${bed.kubeconfig}`,
    ]);
    try {
      await waitHealthy(directory, "directory", `http://127.0.0.1:${port}/healthz`);
      const listed = (await (await fetch(`http://127.0.0.1:${port}/api/v1/deployments`)).json()) as { deployments: Array<{ name: string }> };
      expect(listed.deployments.map((d) => d.name)).toEqual(["liceo"]);
      // The default policy shows the donation form.
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toContain('action="/api/v1/donors"');
    } finally {
      await directory.stop();
    }
  });

  test.each(combinations)("helm template | kubectl apply --dry-run=server: %s", async (_name, args) => {
    const rendered = await helm(["template", "dry", chartDir, "-n", namespace, ...args()]);
    const out = await kubectl(bed, ["apply", "--dry-run=server", "--server-side", "--force-conflicts", "-f", "-"], rendered);
    expect(out.trim().split("\n")).toHaveLength(objectsOf(rendered).length);
  });

  test("helm install creates every object; the operator's account may do what it needs and nothing more", async () => {
    // Adopt a CRD another suite applied, as a user would (Helm refuses objects it does not own).
    await installCrd(bed);
    for (const plural of crdPlurals) {
      const crd = `${plural}.meet.meetingfleet.dev`;
      await kubectl(bed, ["annotate", "--overwrite", "crd", crd, "meta.helm.sh/release-name=chart-test", `meta.helm.sh/release-namespace=${namespace}`]);
      await kubectl(bed, ["label", "--overwrite", "crd", crd, "app.kubernetes.io/managed-by=Helm"]);
    }
    // The restricted Pod Security profile, enforced by the API server's admission: the operator's pods must pass it.
    await kubectl(bed, ["label", "--overwrite", "namespace", namespace, "pod-security.kubernetes.io/enforce=restricted"]);
    await helm(["install", "chart-test", chartDir, "-n", namespace, "--wait", "--timeout", "120s"], bed.kubeconfig);

    const manifest = await helm(["get", "manifest", "chart-test", "-n", namespace], bed.kubeconfig);
    const objects = objectsOf(manifest);
    expect(objects.map((o) => o.kind).sort()).toEqual(
      [
        "ClusterRole",
        "ClusterRoleBinding",
        "ConfigMap",
        "ConfigMap",
        "CustomResourceDefinition",
        "CustomResourceDefinition",
        "Deployment",
        "NetworkPolicy",
        "PodDisruptionBudget",
        "Role",
        "Role",
        "RoleBinding",
        "RoleBinding",
        "Service",
        "ServiceAccount",
      ].sort(),
    );
    for (const o of objects) {
      const found = await kubectl(bed, ["get", o.kind, o.metadata.name, ...(o.metadata.namespace ? ["-n", o.metadata.namespace] : []), "-o", "name"]);
      expect(found.trim()).not.toBe("");
    }
    const ready = await kubectl(bed, ["get", "deployment", "chart-test-meetingfleet-operator", "-n", namespace, "-o", "jsonpath={.status.readyReplicas}"]);
    expect(ready).toBe("2");

    const as = `system:serviceaccount:${namespace}:chart-test-meetingfleet-operator`;
    const allowed: string[][] = [
      ["list", "meetingfleets.meet.meetingfleet.dev", "-n", namespace],
      ["patch", "meetingfleets.meet.meetingfleet.dev/status", "-n", namespace],
      ["create", "pods", "-n", namespace],
      ["delete", "pods", "-n", namespace],
      ["create", "services", "-n", namespace],
      ["get", "secrets", "-n", namespace],
      ["patch", "configmaps", "-n", namespace],
      ["create", "events.events.k8s.io", "-n", namespace],
      ["create", "configmaps", "-n", namespace],
      // the node cache: a node's public address (media-config.ts), and whether it is leaving (disruption.ts)
      ["get", "nodes"],
      ["list", "nodes"],
      ["watch", "nodes"],
      ["create", "poddisruptionbudgets.policy", "-n", namespace],
      ["create", "leases.coordination.k8s.io", "-n", namespace],
      ["update", "leases.coordination.k8s.io/chart-test-meetingfleet-operator", "-n", namespace],
    ];
    const denied: string[][] = [
      ["list", "secrets", "-n", namespace],
      ["watch", "secrets", "-n", namespace],
      ["get", "secrets", "-n", "default"],
      ["list", "secrets", "--all-namespaces"],
      ["delete", "configmaps", "-n", namespace],
      ["create", "pods", "-n", others[0]!],
      ["list", "pods", "--all-namespaces"],
      ["update", "leases.coordination.k8s.io/someone-else", "-n", namespace],
      ["delete", "meetingfleets.meet.meetingfleet.dev", "-n", namespace],
      ["create", "clusterrolebindings.rbac.authorization.k8s.io"],
      ["patch", "nodes"],
      ["delete", "nodes"],
      ["delete", "poddisruptionbudgets.policy", "-n", namespace],
      ["create", "pods", "--subresource=eviction", "-n", namespace],
    ];
    for (const a of allowed) expect([a.join(" "), await grantedTo(as, a)]).toEqual([a.join(" "), true]);
    for (const d of denied) expect([d.join(" "), await canI(as, d)]).toEqual([d.join(" "), false]);

    const pod = JSON.parse(await kubectl(bed, ["get", "pods", "-n", namespace, "-l", "app.kubernetes.io/instance=chart-test", "-o", "json"])) as {
      items: Array<{ spec: { securityContext: Record<string, unknown>; containers: Array<{ securityContext: Record<string, unknown>; args: string[] }> } }>;
    };
    const first = pod.items[0]!;
    expect(first.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(first.spec.containers[0]!.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
    expect(first.spec.containers[0]!.args).toContain(`--namespace=${namespace}`);

    await helm(["uninstall", "chart-test", "-n", namespace, "--wait"], bed.kubeconfig);
    // helm.sh/resource-policy: keep: every fleet (and its bridges) survives an uninstall.
    for (const plural of crdPlurals) {
      const crd = `${plural}.meet.meetingfleet.dev`;
      expect((await kubectl(bed, ["get", "crd", crd, "-o", "name"])).trim()).toBe(`customresourcedefinition.apiextensions.k8s.io/${crd}`);
    }
    expect((await kubectl(bed, ["get", "deployment", "-n", namespace, "-o", "name"])).trim()).toBe("");
  });
});

describe("RBAC in every watch mode: the operator's account may do what it calls and nothing more", () => {
  let home: string;
  const watched: string[] = [];
  const rendered: string[] = [];
  beforeAll(async () => {
    home = await createNamespace(bed, "rbac");
    watched.push(await createNamespace(bed, "rbac-a"), await createNamespace(bed, "rbac-b"));
  });
  afterAll(async () => {
    for (const file of rendered) await kubectl(bed, ["delete", "-f", file, "--ignore-not-found", "--wait=false"]).catch(() => undefined);
    for (const ns of [home, ...watched]) await deleteNamespace(bed, ns);
  });

  /** The chart's RBAC and service account for one mode, applied; returns the account. */
  async function install(release: string, values: string[]): Promise<string> {
    const manifest = await helm(
      [
        "template",
        release,
        chartDir,
        "-n",
        home,
        ...values.flatMap((v) => ["--set", v]),
        "--show-only",
        "templates/rbac.yaml",
        "--show-only",
        "templates/serviceaccount.yaml",
      ],
      bed.kubeconfig,
    );
    const file = path.join(await mkdtemp(path.join(tmpdir(), "rbac-")), "rbac.yaml");
    writeFileSync(file, manifest);
    rendered.push(file);
    await kubectl(bed, ["apply", "-f", file]);
    return `system:serviceaccount:${home}:${release}-meetingfleet-operator`;
  }

  /** `kubectl auth can-i --list` in a namespace: resource -> verbs, without what every account may do. */
  async function listed(as: string, namespace: string): Promise<Record<string, string>> {
    const table = await kubectl(bed, ["auth", "can-i", "--list", "-n", namespace, "--as", as]);
    const rows = table
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => line.trim().split(/\s{2,}/));
    const everyone = /authorization\.k8s\.io|authentication\.k8s\.io/;
    const result: Record<string, string> = {};
    // Columns: Resources, Non-Resource URLs, Resource Names, Verbs; non-resource rows start with a URL list.
    for (const [resource = "", , names = "[]", verbs = "[]"] of rows) {
      if (resource === "" || resource.startsWith("[") || everyone.test(resource)) continue;
      result[names === "[]" ? resource : `${resource}/${names}`] = verbs.replace(/^\[|\]$/g, "");
    }
    return result;
  }

  const fleetRules = {
    "meetingfleets.meet.meetingfleet.dev": "get list watch patch",
    "meetingfleets.meet.meetingfleet.dev/status": "get patch update",
    "meetingfleets.meet.meetingfleet.dev/finalizers": "update",
    pods: "get list watch create patch delete",
    "pods/finalizers": "update",
    services: "get list watch create",
    secrets: "get",
    configmaps: "get create patch",
    "events.events.k8s.io": "create patch",
    "poddisruptionbudgets.policy": "list watch create",
    nodes: "get list watch",
  };

  test("namespace (default): its own namespace only, plus reading nodes and its own Lease", async () => {
    const as = await install("rbac-ns", []);
    const expected = {
      ...fleetRules,
      "leases.coordination.k8s.io": "create",
      "leases.coordination.k8s.io/[rbac-ns-meetingfleet-operator]": "get update patch",
    };
    expect(await settled(() => listed(as, home), expected)).toEqual(expected);
    expect(await listed(as, watched[0]!)).toEqual({ nodes: "get list watch" });
  });

  test("namespaces: the listed namespaces only", async () => {
    const as = await install("rbac-nss", ["watch.mode=namespaces", `watch.namespaces={${watched.join(",")}}`]);
    for (const ns of watched) expect(await settled(() => listed(as, ns), fleetRules)).toEqual(fleetRules);
    expect(await listed(as, "default")).toEqual({ nodes: "get list watch" });
  });

  test("cluster: every namespace, with the same verbs; still no list or watch of Secrets anywhere", async () => {
    const as = await install("rbac-cluster", ["watch.mode=cluster"]);
    for (const ns of [watched[0]!, "default"]) expect(await settled(() => listed(as, ns), fleetRules)).toEqual(fleetRules);
    expect(await canI(as, ["list", "secrets", "--all-namespaces"])).toBe(false);
    expect(await grantedTo(as, ["get", "secrets", "-n", "kube-system"])).toBe(true);
  });
});
