import { xml } from "@xmpp/client";
import { offeredCandidates } from "./participant.ts";

describe("what a participant reads from Jicofo's offer", () => {
  test("every ICE candidate of every content, with its address, port and type", () => {
    const ice = "urn:xmpp:jingle:transports:ice-udp:1";
    const jingle = xml(
      "jingle",
      { xmlns: "urn:xmpp:jingle:1", action: "session-initiate", sid: "s1" },
      xml(
        "content",
        { name: "audio" },
        xml(
          "transport",
          { xmlns: ice },
          xml("candidate", { ip: "127.20.0.4", port: "10000", type: "host" }),
          xml("candidate", { ip: "203.0.113.7", port: "31000", type: "srflx" }),
        ),
      ),
      xml("content", { name: "video" }, xml("description", { xmlns: "urn:xmpp:jingle:apps:rtp:1" })),
    );
    expect(offeredCandidates(jingle)).toEqual([
      { ip: "127.20.0.4", port: 10000, type: "host" },
      { ip: "203.0.113.7", port: 31000, type: "srflx" },
    ]);
  });
});
