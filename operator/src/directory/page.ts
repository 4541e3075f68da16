// The public page: the deployments with their region, state and load, and a room box. Plain HTML with
// no script: the box is a GET form to /join, so joining works in any browser, with a screen reader,
// and with JavaScript off.

import type { DeploymentView } from "./directory.ts";

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const stateWords: Record<DeploymentView["state"], string> = {
  ready: "open",
  full: "full",
  draining: "closing",
  stale: "not reporting",
  out: "offline",
};

export function directoryPage(title: string, deployments: readonly DeploymentView[], notice?: string): string {
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
.notice { border-left: 4px solid #b45f06; padding: .4rem .8rem; background: #fff3e0; }
</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${notice ? `<p class="notice" role="alert">${escapeHtml(notice)}</p>` : ""}
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
</main>
</body>
</html>
`;
}
