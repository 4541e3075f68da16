// A synthetic meeting participant for the real-Jitsi test bed: an XMPP client (@xmpp/client) that does what
// jitsi-meet in a browser does up to media: logs in anonymously, asks the focus for the room, joins the MUC,
// answers Jicofo's disco#info with a browser's Jingle features, and accepts the Jingle session-initiate in
// which Jicofo offers it a bridge. Without an ICE/DTLS stack no media flows, so the bridge counts the
// endpoint but its packet-rate stress stays near zero.
//
// What it sees is what a person would: the bridge it was put on (the offer's ICE candidates), and whether
// its call was cut: a session-terminate from the focus, or a transport-replace or second session-initiate
// (Jicofo moving it to another bridge).

import { randomUUID } from "node:crypto";
import { type Client, client, xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";

export interface SignalingAddress {
  /** xmpp://127.0.0.1:<port> */
  service: string;
  domain: string;
  mucDomain: string;
  /** Where conference requests go: focus.<domain> (jitsi-meet's client_proxy) or focus@auth.<domain>/focus. */
  focus: string;
}

export interface Candidate {
  ip: string;
  port: number;
  type: string;
}

export interface Interruption {
  at: number;
  /** session-terminate, transport-replace or session-initiate (a second offer). */
  action: string;
}

const jingleNs = "urn:xmpp:jingle:1";
const iceNs = "urn:xmpp:jingle:transports:ice-udp:1";
const focusNs = "http://jitsi.org/protocol/focus";
/** What a browser's jitsi-meet announces, less SCTP data channels (off on this test bed's bridges). */
const features = [
  "http://jabber.org/protocol/disco#info",
  "urn:xmpp:jingle:1",
  "urn:xmpp:jingle:apps:rtp:1",
  "urn:xmpp:jingle:apps:rtp:audio",
  "urn:xmpp:jingle:apps:rtp:video",
  "urn:xmpp:jingle:transports:ice-udp:1",
  "urn:xmpp:jingle:apps:dtls:0",
  "urn:ietf:rfc:5761",
  "urn:ietf:rfc:5888",
  "http://jitsi.org/json-encoded-sources",
  "http://jitsi.org/source-name",
];

export function offeredCandidates(jingle: Element): Candidate[] {
  const found: Candidate[] = [];
  for (const content of jingle.getChildren("content")) {
    for (const transport of content.getChildren("transport", iceNs)) {
      for (const c of transport.getChildren("candidate")) {
        found.push({ ip: String(c.attrs.ip), port: Number(c.attrs.port), type: String(c.attrs.type) });
      }
    }
  }
  return found;
}

/** Our answer: the offer's contents with a transport of our own (no media stack, so made-up credentials). */
function answerContents(jingle: Element): Element[] {
  const fingerprint = Array.from({ length: 32 }, () =>
    Math.floor(Math.random() * 256)
      .toString(16)
      .padStart(2, "0")
      .toUpperCase(),
  ).join(":");
  return jingle
    .getChildren("content")
    .map((content) =>
      xml(
        "content",
        { creator: "responder", name: String(content.attrs.name), senders: "both" },
        xml("description", { xmlns: "urn:xmpp:jingle:apps:rtp:1", media: String(content.attrs.name) }),
        xml(
          "transport",
          { xmlns: iceNs, ufrag: randomUUID().slice(0, 8), pwd: randomUUID().replaceAll("-", "") },
          xml("fingerprint", { xmlns: "urn:xmpp:jingle:apps:dtls:0", hash: "sha-256", setup: "active" }, fingerprint),
        ),
      ),
    );
}

export class Participant {
  readonly room: string;
  readonly nick: string;
  /** The ICE candidates of every offer, first to last. */
  readonly offers: Array<{ at: number; sid: string; candidates: Candidate[] }> = [];
  readonly interruptions: Interruption[] = [];
  private readonly xmpp: Client;
  private readonly address: SignalingAddress;
  private sid: string | undefined;
  private focusJid: string | undefined;
  private left = false;

  private constructor(address: SignalingAddress, room: string, nick: string) {
    this.address = address;
    this.room = room;
    this.nick = nick;
    this.xmpp = client({ service: address.service, domain: address.domain, resource: nick });
    this.xmpp.on("error", () => undefined); // a dropped connection is seen as an end of the session
    this.xmpp.iqCallee.get("http://jabber.org/protocol/disco#info", "query", () =>
      xml("query", { xmlns: "http://jabber.org/protocol/disco#info" }, ...features.map((f) => xml("feature", { var: f }))),
    );
    this.xmpp.iqCallee.set(jingleNs, "jingle", (ctx) => this.onJingle(ctx.stanza as Element, ctx.element as Element));
  }

  /** Joins `room` (the MUC's local part) and resolves once in the MUC; the offer follows when Jicofo places the room. */
  static async join(address: SignalingAddress, room: string, nick = `p-${randomUUID().slice(0, 8)}`): Promise<Participant> {
    const participant = new Participant(address, room, nick);
    await participant.xmpp.start();
    try {
      await participant.requestConference();
      await participant.enterRoom();
    } catch (error) {
      await participant.leave();
      throw error;
    }
    return participant;
  }

  get roomJid(): string {
    return `${this.room}@${this.address.mucDomain}`;
  }

  /** The bridge's own address in the current offer (its host candidate), if an offer came. */
  get bridgeAddress(): string | undefined {
    return this.offers.at(-1)?.candidates.find((c) => c.type === "host")?.ip;
  }

  /** Asks the focus to set up the room, as jitsi-meet does before joining; retried while the focus is not ready. */
  private async requestConference(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const answer = await this.xmpp.iqCaller.request(
        xml("iq", { type: "set", to: this.address.focus }, xml("conference", { xmlns: focusNs, room: this.roomJid, "machine-uid": randomUUID() })),
        20_000,
      );
      const conference = answer.getChild("conference", focusNs);
      if (conference?.attrs.ready === "true") {
        this.focusJid = conference.attrs.focusjid as string | undefined;
        return;
      }
      if (attempt >= 20) throw new Error(`focus not ready for ${this.roomJid}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  private async enterRoom(): Promise<void> {
    const full = `${this.roomJid}/${this.nick}`;
    const joined = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no self-presence from ${full}`)), 20_000);
      const onStanza = (stanza: Element) => {
        if (stanza.is("presence") && stanza.attrs.from === full) {
          clearTimeout(timer);
          this.xmpp.removeListener("stanza", onStanza);
          if (stanza.attrs.type === "error") reject(new Error(`could not join ${full}: ${stanza.toString()}`));
          else resolve();
        }
      };
      this.xmpp.on("stanza", onStanza);
    });
    await this.xmpp.send(xml("presence", { to: full }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    await joined;
  }

  private onJingle(stanza: Element, jingle: Element): Element | true {
    const action = String(jingle.attrs.action);
    const sid = String(jingle.attrs.sid);
    const now = Date.now();
    if (action === "session-initiate") {
      if (this.sid !== undefined) this.interruptions.push({ at: now, action });
      this.sid = sid;
      this.offers.push({ at: now, sid, candidates: offeredCandidates(jingle) });
      void this.reply(stanza, "session-accept", sid, answerContents(jingle));
    } else if (action === "transport-replace") {
      this.interruptions.push({ at: now, action });
      this.offers.push({ at: now, sid, candidates: offeredCandidates(jingle) });
      void this.reply(stanza, "transport-accept", sid, answerContents(jingle));
    } else if (action === "session-terminate" && !this.left) {
      this.interruptions.push({ at: now, action });
      this.sid = undefined;
    }
    return true;
  }

  /** Answers an offer as a browser does: the IQ result first (returned by the handler), then our own action. */
  private async reply(offer: Element, action: string, sid: string, contents: Element[]): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    const to = String(offer.attrs.from ?? this.focusJid ?? "");
    await this.xmpp.iqCaller
      .request(xml("iq", { type: "set", to }, xml("jingle", { xmlns: jingleNs, action, sid, responder: String(this.xmpp.jid) }, ...contents)), 20_000)
      .catch(() => undefined); // a refused answer shows up as a terminate or a missing endpoint
  }

  /** Hangs up as a browser does: ends the Jingle session, leaves the room, closes the connection. */
  async leave(): Promise<void> {
    if (this.left) return;
    this.left = true;
    try {
      if (this.sid && this.focusJid) {
        await this.xmpp.send(
          xml(
            "iq",
            { type: "set", to: this.focusJid, id: randomUUID() },
            xml("jingle", { xmlns: jingleNs, action: "session-terminate", sid: this.sid }, xml("reason", {}, xml("success"))),
          ),
        );
      }
      await this.xmpp.send(xml("presence", { to: `${this.roomJid}/${this.nick}`, type: "unavailable" }));
    } catch {
      // already disconnected
    }
    await this.xmpp.stop().catch(() => undefined);
  }
}
