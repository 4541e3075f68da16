// Command-line flags: every flag is a --name value string, validated and defaulted by a zod schema,
// so a bad flag is one clear line naming it, then the usage, then exit code 2.

import { parseArgs } from "node:util";
import { z } from "zod";
import { parseDuration } from "./duration.ts";
import { describeZodError } from "./zod-error.ts";

/** A duration flag ("5s", "1m30s") parsed to milliseconds. */
export const durationFlag = z.string().transform((text, ctx) => {
  try {
    return parseDuration(text);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: (error as Error).message });
    return z.NEVER;
  }
});

export function parseFlagsOrExit<S extends z.ZodObject>(program: string, schema: S, usage: string, argv = process.argv.slice(2)): z.output<S> {
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: Object.fromEntries(Object.keys(schema.shape).map((name) => [name, { type: "string" as const }])),
    });
    return schema.parse(values);
  } catch (error) {
    process.stderr.write(`${program}: ${error instanceof z.ZodError ? describeZodError(error) : (error as Error).message}\n${usage}\n`);
    process.exit(2);
  }
}
