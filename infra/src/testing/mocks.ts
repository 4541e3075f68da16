// Pulumi's unit-test mocks (pulumi.runtime.setMocks, no CLI, no cloud): every resource a program
// registers is recorded with its inputs, and providers' computed outputs get plausible fakes.

import * as pulumi from "@pulumi/pulumi";

export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** Position in registration order (a resource registers only after those it depends on). */
  order: number;
}

const fakePem = (kind: string) => `-----BEGIN ${kind}-----\nZmFrZQ==\n-----END ${kind}-----\n`;

export function mockPulumi(): Registered[] {
  const registered: Registered[] = [];
  let addresses = 0;
  void pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown>, order: registered.length });
        const computed: Record<string, unknown> = {};
        if (args.type === "tls:index/privateKey:PrivateKey") computed.privateKeyPem = fakePem("PRIVATE KEY");
        if (args.type.startsWith("tls:index/") && args.type.endsWith("Cert")) computed.certPem = fakePem("CERTIFICATE");
        if (args.type === "tls:index/certRequest:CertRequest") computed.certRequestPem = fakePem("CERTIFICATE REQUEST");
        if (args.type === "random:index/randomPassword:RandomPassword") computed.result = `secret-${args.name}`;
        if (args.type === "openstack:networking/floatingIp:FloatingIp") computed.address = `203.0.113.${++addresses}`;
        if (args.type === "hcloud:index/primaryIp:PrimaryIp") computed.ipAddress = `198.51.100.${++addresses}`;
        const numericId = args.type.startsWith("hcloud:") ? String(1000 + registered.length) : `${args.name}-id`;
        return { id: numericId, state: { ...args.inputs, ...computed, name: args.inputs.name ?? args.name } };
      },
      call: (args) => args.inputs,
    },
    "meetingfleet-test",
    "test",
    false,
  );
  return registered;
}

export const outputValue = <T>(output: pulumi.Output<T>): Promise<T> => new Promise((resolve) => output.apply(resolve));

/** Lets every pending registration reach the mocks. */
export const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 5));
};

export const ofType = (registered: readonly Registered[], type: string) => registered.filter((r) => r.type === type);

/** Pulumi's wire form of a secret (its "special signature" for secrets). */
const secretSignature = ["4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270"] as const;

/** An input as the mocks saw it: whether it travelled as a secret, and its value. */
export function reveal(input: unknown): { secret: boolean; value: unknown } {
  if (input && typeof input === "object" && (input as Record<string, unknown>)[secretSignature[0]] === secretSignature[1]) {
    return { secret: true, value: (input as { value: unknown }).value };
  }
  return { secret: false, value: input };
}
