import type { z } from "zod";

/** One line per problem, each naming the field: "stats-interval: invalid duration ...". */
export function describeZodError(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.map(String).join(".") || "(input)"}: ${issue.message}`).join("; ");
}
