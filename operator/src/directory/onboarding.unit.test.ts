import { admittedDonor, checksDue, type Donor } from "./donors.ts";
import { applicationSchema, type Check, connectionProblem, runChecks, verdict } from "./onboarding.ts";
import { applicationFromForm } from "./server.ts";

const passed: Check[] = [
  { name: "https", ok: true, message: "https" },
  { name: "certificate", ok: true, message: "valid" },
  { name: "web front", ok: true, message: "Jitsi Meet" },
];
const failing: Check[] = [...passed.slice(0, 1), { name: "certificate", ok: false, message: "The certificate of x is self-signed." }];

describe("the verdict on a deployment", () => {
  test("admitted at once or held for an administrator when every check passed, as the policy says", () => {
    expect(verdict(passed, "auto").phase).toBe("Admitted");
    expect(verdict(passed, "approval")).toEqual({ phase: "PendingApproval", reason: expect.stringMatching(/administrator approves/) });
  });

  test("refused with the first failed check's words, whatever the policy", () => {
    for (const policy of ["auto", "approval"] as const)
      expect(verdict(failing, policy)).toEqual({ phase: "Refused", reason: "The certificate of x is self-signed." });
  });

  test("an administrator's approval admits it, saying what failed", () => {
    expect(verdict(failing, "approval", true)).toEqual({
      phase: "Admitted",
      reason: "Approved by an administrator, although: The certificate of x is self-signed.",
    });
    expect(verdict(passed, "approval", true).reason).toBe("Approved by an administrator.");
  });
});

describe("connection problems in a donor's words", () => {
  const failure = (code: string, message = "") => Object.assign(new TypeError("fetch failed"), { cause: { code, message } });
  test.each([
    ["DEPTH_ZERO_SELF_SIGNED_CERT", /self-signed/],
    ["CERT_HAS_EXPIRED", /has expired/],
    ["ERR_TLS_CERT_ALTNAME_INVALID", /for another name/],
    ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", /not signed by an authority/],
    ["ECONNREFUSED", /refuses connections/],
    ["ENOTFOUND", /not a name the DNS knows/],
  ])("%s", (code, words) => {
    expect(connectionProblem("meet.example.org", failure(code))).toMatch(words);
  });
  test("a timeout", () => {
    expect(connectionProblem("meet.example.org", Object.assign(new Error("timed out"), { name: "TimeoutError" }))).toBe(
      "meet.example.org did not answer in time.",
    );
  });
});

describe("the checks of an application", () => {
  const on = (url: string, stats?: string) => ({
    name: "x",
    url,
    displayName: "X",
    region: "r",
    contact: "a@b.example",
    ...(stats ? { stats: { format: "colibri" as const, urls: [stats] } } : {}),
  });

  test("a plain-http URL is refused before anything is fetched", async () => {
    expect(await runChecks(on("http://127.0.0.1:1"), { timeoutMs: 100, allowPrivateAddresses: false })).toEqual([
      { name: "https", ok: false, message: expect.stringMatching(/must start with https/) },
    ]);
  });

  test("a URL or stats URL on a private, loopback or link-local address is refused before anything is fetched", async () => {
    for (const [url, stats, address] of [
      ["https://127.0.0.1:1", undefined, "127.0.0.1"],
      ["https://[::1]:1", undefined, "::1"],
      ["https://10.1.2.3", undefined, "10.1.2.3"],
      ["https://93.184.215.14", "https://169.254.169.254/latest/meta-data", "169.254.169.254"],
    ] as const) {
      const checks = await runChecks(on(url, stats), { timeoutMs: 100, allowPrivateAddresses: false });
      expect(checks.at(-1)).toEqual({ name: "address", ok: false, message: expect.stringContaining(`is a private address (${address})`) });
    }
  });
});

describe("an application", () => {
  const good = { name: "liceo", url: "https://meet.liceo.example", displayName: "Liceo", region: "it-north", contact: "admin@liceo.example" };

  test("from the page's form: stats only when a format is chosen, one URL per line", () => {
    const form = new URLSearchParams({ ...good, statsFormat: "colibri", statsUrls: "https://a.example/colibri/stats\r\nhttps://b.example/colibri/stats\n" });
    expect(applicationSchema.parse(applicationFromForm(form))).toEqual({
      ...good,
      stats: { format: "colibri", urls: ["https://a.example/colibri/stats", "https://b.example/colibri/stats"] },
    });
    expect(applicationFromForm(new URLSearchParams({ ...good, statsFormat: "", statsUrls: "" }))).toEqual(good);
  });

  test("is refused, naming the field, when incomplete or malformed; it cannot set its own approval or token", () => {
    const bad = applicationSchema.safeParse({ ...good, contact: "nobody", name: "Liceo!" });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join("."))).toEqual(expect.arrayContaining(["contact", "name"]));
    expect(applicationSchema.parse({ ...good, approved: true, tokenSha256: "0".repeat(64) })).toEqual(good);
  });
});

describe("a Donor as the directory lists it", () => {
  const donor = (status?: Donor["status"], generation = 2): Donor => ({
    metadata: { name: "liceo", namespace: "directory", uid: "u", generation },
    spec: { url: "https://meet.liceo.example", displayName: "Liceo", region: "it-north", contact: "a@liceo.example", approved: false },
    ...(status ? { status } : {}),
  });

  test("listed only when its status says Admitted", () => {
    expect(admittedDonor(donor({ phase: "Admitted", reason: "" }))?.registration).toEqual({
      name: "liceo",
      url: "https://meet.liceo.example",
      displayName: "Liceo",
      region: "it-north",
    });
    expect(admittedDonor(donor({ phase: "PendingApproval", reason: "" }))).toBeUndefined();
    expect(admittedDonor(donor())).toBeUndefined();
  });

  test("checked again when its spec changed since the checks, or when the verdict has grown old; not when only its status changed", () => {
    const checkedAt = "2026-12-05T10:00:00Z";
    const at = (iso: string) => Date.parse(iso);
    const sixHours = 6 * 3_600_000;
    expect(checksDue(donor(), at(checkedAt), sixHours)).toBe(true);
    expect(checksDue(donor({ phase: "Admitted", reason: "", observedGeneration: 1, checkedAt }), at(checkedAt), sixHours)).toBe(true);
    const fresh = donor({ phase: "Admitted", reason: "", observedGeneration: 2, checkedAt });
    expect(checksDue(fresh, at("2026-12-05T15:59:00Z"), sixHours)).toBe(false);
    expect(checksDue(fresh, at("2026-12-05T16:01:00Z"), sixHours)).toBe(true);
    expect(checksDue(fresh, at("2027-12-05T16:01:00Z"), 0)).toBe(false);
  });
});
