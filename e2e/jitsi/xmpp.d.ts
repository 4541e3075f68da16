// The part of @xmpp/client's API the synthetic participants use (the package ships no types).

declare module "@xmpp/xml" {
  export interface Element {
    name: string;
    attrs: Record<string, string | undefined>;
    is(name: string, xmlns?: string): boolean;
    getChild(name: string, xmlns?: string): Element | undefined;
    getChildren(name: string, xmlns?: string): Element[];
    getChildText(name: string, xmlns?: string): string | null;
    text(): string;
    toString(): string;
  }
}

declare module "@xmpp/client" {
  import type { Element } from "@xmpp/xml";

  type Child = Element | string;
  export function xml(name: string, attrs?: Record<string, string | undefined>, ...children: Child[]): Element;
  export interface IqContext {
    stanza: Element;
    element: Element;
  }
  export interface Client {
    jid: { toString(): string } | null;
    start(): Promise<unknown>;
    stop(): Promise<void>;
    send(element: Element): Promise<void>;
    on(event: "stanza", listener: (stanza: Element) => void): void;
    on(event: "error" | "offline" | "online", listener: (arg: unknown) => void): void;
    removeListener(event: string, listener: (...args: never[]) => void): void;
    iqCaller: { request(element: Element, timeoutMs?: number): Promise<Element> };
    iqCallee: {
      get(ns: string, name: string, handler: (ctx: IqContext) => Element | true | Promise<Element | true>): void;
      set(ns: string, name: string, handler: (ctx: IqContext) => Element | true | Promise<Element | true>): void;
    };
  }
  export function client(options: { service: string; domain?: string; resource?: string; username?: string; password?: string }): Client;
}
