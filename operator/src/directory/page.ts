// The public pages: the deployments with their region, state and load, a room box and (with onboarding
// on) a form to donate a server, and the answer to a donation with its checks. Plain HTML with no script:
// the room box is a GET form to /join and the donation a POST, so both work in any browser, with a
// screen reader, and with JavaScript off.

import type { DeploymentView } from "./directory.ts";

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const stateWords: Record<DeploymentView["state"], string> = {
  ready: "open",
  full: "full",
  draining: "closing",
  stale: "not reporting",
  out: "offline",
};

export function directoryPage(title: string, deployments: readonly DeploymentView[], notice?: string, onboarding = false): string {
  const rows = deployments
    .map(
      (d) => `<tr>
<th scope="row"><a href="${escapeHtml(d.url)}">${escapeHtml(d.displayName)}</a></th>
<td>${escapeHtml(d.region)}</td>
<td>${stateWords[d.state]}</td>
<td><meter min="0" max="1" value="${Math.min(1, d.relativeLoad).toFixed(2)}">${Math.round(d.relativeLoad * 100)} %</meter> ${Math.round(d.relativeLoad * 100)} %</td>
<td>${d.participants}</td>
</tr>`,
    )
    .join("\n");
  return shell(
    title,
    `${notice ? `<p class="notice" role="alert">${escapeHtml(notice)}</p>` : ""}
<form action="/join" method="get">
<label for="room">Meeting name</label>
<input id="room" name="room" required maxlength="200" pattern="[\\p{L}\\p{N}_.\\-]+" autocomplete="off" aria-describedby="room-help">
<button type="submit">Join</button>
<p id="room-help">Everyone who types the same name meets in the same place. Letters, digits, dots, dashes and underscores.</p>
</form>
<h2>Deployments</h2>
<table>
<caption>Donated deployments, their region, state and load. The feed: <a href="/api/v1/deployments">/api/v1/deployments</a>.</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Region</th><th scope="col">State</th><th scope="col">Load</th><th scope="col">Participants</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
${onboarding ? donationForm : ""}`,
  );
}

// The donation form: a plain POST, so it works without JavaScript; the directory answers with its checks.
const field = (id: string, label: string, attributes: string, help?: string) =>
  `<p><label for="${id}">${label}</label>
<input id="${id}" name="${id}" ${attributes}${help ? ` aria-describedby="${id}-help"` : ""}>${help ? `\n<span id="${id}-help" class="help">${help}</span>` : ""}</p>`;

const donationForm = `<h2>Donate a server</h2>
<form class="donate" action="/api/v1/donors" method="post">
${field("name", "Short name", 'required maxlength="63" pattern="[a-z0-9]([\\-a-z0-9]*[a-z0-9])?" autocomplete="off"', "Lower-case letters, digits and dashes, e.g. liceo-galilei.")}
${field("url", "Meeting address", 'type="url" required placeholder="https://meet.example.org"', "Your Jitsi Meet web front, with a valid certificate.")}
${field("displayName", "Name shown here", 'required maxlength="100"')}
${field("region", "Region", 'required maxlength="50" placeholder="it-north"')}
${field("contact", "Contact e-mail", 'type="email" required autocomplete="email"', "Only the directory's administrators see it.")}
<fieldset>
<legend>For a server without MeetingFleet: where its bridges' stats are</legend>
<p><label for="statsFormat">Format</label>
<select id="statsFormat" name="statsFormat"><option value="">none: a MeetingFleet that reports itself</option><option value="colibri">/colibri/stats (JSON)</option><option value="prometheus">Prometheus /metrics</option></select></p>
<p><label for="statsUrls">Stats addresses, one per bridge</label>
<textarea id="statsUrls" name="statsUrls" rows="3" cols="50" aria-describedby="statsUrls-help"></textarea>
<span id="statsUrls-help" class="help">One address per line, e.g. https://meet.example.org/colibri/stats.</span></p>
</fieldset>
<button type="submit">Check and submit</button>
</form>`;

export interface DonationResult {
  phase: string;
  reason: string;
  checks: ReadonlyArray<{ name: string; ok: boolean; message: string }>;
  token?: string;
}

const phaseWords: Record<string, string> = {
  Admitted: "Admitted: meetings will be sent to your deployment.",
  PendingApproval: "Checks passed: an administrator will approve your deployment.",
  Refused: "Not admitted.",
};

export function donationResultPage(title: string, result: DonationResult): string {
  const checks = result.checks.map((c) => `<li>${c.ok ? "Passed" : "Failed"}: ${escapeHtml(c.message)}</li>`).join("\n");
  const token = result.token
    ? `<h2>Your report token</h2>
<p>Shown only now; the directory keeps only its fingerprint. Put it in a Secret next to your MeetingFleet and name that Secret in its <code>spec.directory.tokenSecretRef</code>.</p>
<p><code id="token">${escapeHtml(result.token)}</code></p>`
    : "";
  return shell(
    title,
    `<p class="notice" role="status">${escapeHtml(phaseWords[result.phase] ?? result.phase)} ${escapeHtml(result.reason)}</p>
${checks ? `<h2>Checks</h2>\n<ul>\n${checks}\n</ul>` : ""}
${token}
<p><a href="/">Back to the directory</a></p>`,
  );
}

function shell(title: string, main: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; background: #fff; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #ccc; }
label { display: block; font-weight: bold; margin-bottom: .3rem; }
input, button { font-size: 1rem; padding: .4rem .6rem; }
button { background: #0b5394; color: #fff; border: 0; border-radius: 3px; }
a { color: #0b5394; }
.help { display: block; color: #444; font-size: .9rem; }
.donate input, .donate select, .donate textarea { display: block; }
.notice { border-left: 4px solid #b45f06; padding: .4rem .8rem; background: #fff3e0; }
</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${main}
</main>
</body>
</html>
`;
}
