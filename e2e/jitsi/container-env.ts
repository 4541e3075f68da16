// A container's environment as a kubelet would give it: literal values with $(VAR) references to earlier
// variables expanded, the downward API's pod fields, and Secret keys. Pure but for the Secret lookup, which
// the caller supplies (the real-JVB runner reads Secrets through the API server).

import type { EnvVar, Pod } from "../../operator/src/kube/types.ts";

export type SecretLookup = (namespace: string, name: string, key: string) => Promise<string | undefined>;

/** Kubernetes' dependent-variable expansion: $(NAME) of a variable defined earlier, $$ escapes, unknown names stay. */
export function expand(value: string, defined: Record<string, string>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) => {
    if (name === undefined) return "$";
    return name in defined ? defined[name]! : match;
  });
}

function podField(pod: Pod, path: string): string | undefined {
  switch (path) {
    case "status.hostIP":
      return pod.status?.hostIP;
    case "status.podIP":
      return pod.status?.podIP;
    case "metadata.name":
      return pod.metadata.name;
    case "metadata.namespace":
      return pod.metadata.namespace;
    case "spec.nodeName":
      return pod.spec?.nodeName;
    default:
      throw new Error(`unsupported fieldRef ${path}`);
  }
}

/** Throws, as a kubelet refuses to start the container, when a required Secret or key is missing. */
export async function containerEnv(pod: Pod, env: EnvVar[], secret: SecretLookup): Promise<Record<string, string>> {
  const resolved: Record<string, string> = {};
  for (const entry of env) {
    const from = entry.valueFrom;
    if (from?.fieldRef) {
      resolved[entry.name] = podField(pod, from.fieldRef.fieldPath) ?? "";
    } else if (from?.secretKeyRef) {
      const { name, key, optional } = from.secretKeyRef;
      const value = await secret(pod.metadata.namespace ?? "default", name, key);
      if (value === undefined && !optional) throw new Error(`secret "${name}" or its key "${key}" not found`);
      if (value !== undefined) resolved[entry.name] = value;
    } else {
      resolved[entry.name] = expand(entry.value ?? "", resolved);
    }
  }
  return resolved;
}
