// What every API kind of meetingfleet shares: the group and version, descriptions for `kubectl explain`,
// and the few field formats more than one kind uses.

import { z } from "zod";

export const group = "meet.meetingfleet.dev";
export const version = "v1alpha1";
export const apiVersion = `${group}/${version}`;

export const describe = <T extends z.ZodType>(schema: T, description: string): T => schema.meta({ description });

export const webUrl = z.string().regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, "must be an http(s) URL without query or fragment");

/** A name that is also a DNS label (object names, deployment names in the directory). */
export const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "a DNS label: lower-case letters, digits and dashes")
  .max(63);
