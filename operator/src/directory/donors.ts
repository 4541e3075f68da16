// Donors as custom resources: the directory watches the Donors in its namespace, checks each one whose
// spec it has not checked yet (an admin's `kubectl apply`, or a changed URL) or whose verdict has grown
// old, writes the verdict into its status, and lists the admitted ones. Onboarding (`apply`) checks an
// application first and creates the Donor only when it is not refused, so nothing a stranger submits is
// stored unless it passed.
// The status write does not trigger another check: the checks ran on the generation it records.

import { type DonorSpec, type DonorStatus, donorPlural, group, type StatsSource, version } from "../api/donor.ts";
import { ApiError, type KubeClient, resourcePath } from "../kube/client.ts";
import { Reflector } from "../kube/reflector.ts";
import type { KubeObject } from "../kube/types.ts";
import type { Directory, Registration } from "./directory.ts";
import { type AdmissionPolicy, type Application, type Check, type CheckOptions, runChecks, verdict } from "./onboarding.ts";
import type { PolledDeployment } from "./poller.ts";
import type { LoadReport } from "./report.ts";
import { newToken, tokenDigest } from "./tokens.ts";

export interface Donor extends KubeObject {
  spec: DonorSpec;
  status?: DonorStatus;
}

/** What the directory takes from an admitted Donor. */
export interface AdmittedDonor {
  registration: Registration;
  tokenSha256?: string;
  stats?: StatsSource;
}

/** The Donor's listing when its status says Admitted; undefined otherwise. Pure. */
export function admittedDonor(donor: Donor): AdmittedDonor | undefined {
  if (donor.status?.phase !== "Admitted" || donor.metadata.deletionTimestamp) return undefined;
  const { url, displayName, region, tokenSha256, stats } = donor.spec;
  return { registration: { name: donor.metadata.name, url, displayName, region }, ...(tokenSha256 ? { tokenSha256 } : {}), ...(stats ? { stats } : {}) };
}

/**
 * Checks are due when the spec changed since they last ran (or they never ran), and again once they are
 * `recheckMs` old (0: never): a certificate expires, a server is moved. Pure.
 */
export function checksDue(donor: Donor, now: number, recheckMs: number): boolean {
  if (donor.status?.observedGeneration !== donor.metadata.generation) return true;
  const checkedAt = Date.parse(donor.status?.checkedAt ?? "");
  return recheckMs > 0 && (Number.isNaN(checkedAt) || now - checkedAt > recheckMs);
}

export interface DonorsDeps {
  kube: KubeClient;
  namespace: string;
  directory: Directory;
  policy: AdmissionPolicy;
  checks: CheckOptions;
  /** How old a verdict may get before the Donor is checked again (0: only when its spec changes). */
  recheckMs: number;
  countCheck: (phase: string) => void;
  log: { info(o: object, m: string): void; warn(o: object, m: string): void };
}

export interface OnboardingAnswer {
  status: 201 | 409 | 422;
  phase: string;
  reason: string;
  checks: Check[];
  /** The report token of a deployment that reports itself, shown once: only its digest is stored. */
  token?: string;
}

const fieldManager = "meetingfleet-directory";

const nameTaken = (name: string, checks: Check[]): OnboardingAnswer => ({
  status: 409,
  phase: "Refused",
  reason: `A deployment named ${name} is already registered: choose another name.`,
  checks,
});

export class Donors {
  private readonly deps: DonorsDeps;
  private readonly reflector: Reflector<Donor>;
  private readonly admitted = new Map<string, AdmittedDonor>();
  /** Donors whose load this replica is writing now, with the next report to write after it. */
  private readonly writing = new Map<string, NonNullable<DonorStatus["load"]> | undefined>();
  /** Names whose checks run in this process now: one check at a time per Donor. */
  private readonly checking = new Set<string>();
  private recheck: NodeJS.Timeout | undefined;

  constructor(deps: DonorsDeps) {
    this.deps = deps;
    this.reflector = new Reflector<Donor>(
      deps.kube.source(this.collection()),
      { upsert: (d) => this.upsert(d), remove: (d) => this.remove(d.metadata.name) },
      { onError: (error) => deps.log.warn({ error: String(error) }, "Watching Donors failed; retrying") },
    );
  }

  start(): void {
    this.reflector.start();
    if (this.deps.recheckMs > 0)
      this.recheck = setInterval(
        () => {
          for (const donor of this.reflector.items()) this.checkIfDue(donor);
        },
        Math.min(60_000, this.deps.recheckMs),
      );
  }

  close(): void {
    clearInterval(this.recheck);
    this.reflector.stop();
  }

  polled(): PolledDeployment[] {
    return [...this.admitted.values()].flatMap((a) => (a.stats ? [{ name: a.registration.name, stats: a.stats }] : []));
  }

  /** How many Donors are in each phase ("Unchecked" before their first verdict). */
  phases(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const d of this.reflector.items()) {
      const phase = d.status?.phase ?? "Unchecked";
      counts.set(phase, (counts.get(phase) ?? 0) + 1);
    }
    return counts;
  }

  tokenDigest(name: string): string | undefined {
    return this.admitted.get(name)?.tokenSha256;
  }

  /** Onboarding: checks the application; creates its Donor, with the verdict, unless refused. */
  async apply(application: Application): Promise<OnboardingAnswer> {
    const { name, ...details } = application;
    if (this.reflector.get(`${this.deps.namespace}/${name}`) || this.checking.has(name)) return nameTaken(name, []);
    this.checking.add(name);
    try {
      const checks = await runChecks(application, this.deps.checks);
      const { phase, reason } = verdict(checks, this.deps.policy);
      this.deps.countCheck(phase);
      if (phase === "Refused") return { status: 422, phase, reason, checks };
      const token = details.stats ? undefined : newToken();
      const spec: DonorSpec = { ...details, approved: false, ...(token ? { tokenSha256: tokenDigest(token) } : {}) };
      try {
        const created = await this.deps.kube.create<Donor>(
          this.collection(),
          { apiVersion: `${group}/${version}`, kind: "Donor", metadata: { name, namespace: this.deps.namespace }, spec },
          fieldManager,
        );
        await this.writeStatus(created, phase, reason, checks);
      } catch (error) {
        if (error instanceof ApiError && error.code === 409) return nameTaken(name, checks);
        throw error;
      }
      this.deps.log.info({ donor: name, phase }, "Deployment onboarded");
      return { status: 201, phase, reason, checks, ...(token ? { token } : {}) };
    } finally {
      this.checking.delete(name);
    }
  }

  /**
   * Shares a report this replica received with the others, in the Donor's status. One write per Donor at
   * a time; a report that arrives meanwhile is written after it (the latest only).
   */
  shareReport(name: string, report: LoadReport): void {
    if (!this.admitted.has(name)) return;
    const load = { ...report, reportedAt: Date.now() };
    if (this.writing.has(name)) {
      this.writing.set(name, load);
      return;
    }
    this.writing.set(name, undefined);
    const write = async (next: NonNullable<DonorStatus["load"]>): Promise<void> => {
      try {
        await this.deps.kube.patch(`${this.collection()}/${name}/status`, { status: { load: next } }, fieldManager);
      } catch (error) {
        this.deps.log.warn({ donor: name, error: String(error) }, "Sharing a load report failed; the next report retries");
      }
      const queued = this.writing.get(name);
      if (queued) {
        this.writing.set(name, undefined);
        return write(queued);
      }
      this.writing.delete(name);
    };
    void write(load);
  }

  private upsert(donor: Donor): void {
    const name = donor.metadata.name;
    const listing = admittedDonor(donor);
    if (listing) {
      this.admitted.set(name, listing);
      this.deps.directory.register(listing.registration);
      // The load another replica received: the same figures on every replica, so they choose alike.
      const load = donor.status?.load;
      if (load) {
        const { reportedAt, ...report } = load;
        this.deps.directory.report(name, report, reportedAt);
      }
    } else this.remove(name);
    this.checkIfDue(donor);
  }

  private checkIfDue(donor: Donor): void {
    if (checksDue(donor, Date.now(), this.deps.recheckMs) && !this.checking.has(donor.metadata.name) && !donor.metadata.deletionTimestamp)
      void this.check(donor);
  }

  private remove(name: string): void {
    if (this.admitted.delete(name)) this.deps.directory.unregister(name);
  }

  /** Checks a Donor an admin applied or changed, and writes the verdict; the watch then lists it or not. */
  private async check(donor: Donor): Promise<void> {
    const name = donor.metadata.name;
    this.checking.add(name);
    try {
      const checks = await runChecks({ name, ...donor.spec }, this.deps.checks);
      const { phase, reason } = verdict(checks, this.deps.policy, donor.spec.approved);
      this.deps.countCheck(phase);
      await this.writeStatus(donor, phase, reason, checks);
      this.deps.log.info({ donor: name, phase, reason }, "Donor checked");
    } catch (error) {
      this.deps.log.warn({ donor: name, error: String(error) }, "Checking a Donor failed; the next change or relist retries");
    } finally {
      this.checking.delete(name);
    }
  }

  private async writeStatus(donor: Donor, phase: DonorStatus["phase"], reason: string, checks: Check[]): Promise<void> {
    const status: DonorStatus = { phase, reason, checks, checkedAt: new Date().toISOString(), observedGeneration: donor.metadata.generation ?? 1 };
    await this.deps.kube.patch(`${this.collection()}/${donor.metadata.name}/status`, { status }, fieldManager);
  }

  private collection(): string {
    return resourcePath({ group, version, plural: donorPlural, namespace: this.deps.namespace });
  }
}
