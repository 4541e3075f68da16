// Conference traces: what the conference driver replays. A trace is a CSV file, one conference a line:
//
//   start_s,duration_s,participants,region
//   0,3000,4,
//   12.5,1800,25,eu-south
//
// start_s: seconds from the start of the replay (>= 0, any order); duration_s: seconds (> 0);
// participants: whole number >= 1; region: optional, letters, digits and dashes. The header line is
// required (the region column may be left out); blank lines and lines starting with # are ignored.
// A malformed file is refused whole, naming the line and the field, before anything is replayed.

export interface ConferenceArrival {
  startMs: number;
  durationMs: number;
  participants: number;
  region?: string;
}

export class TraceError extends Error {
  readonly line: number;
  readonly field: string;
  constructor(line: number, field: string, problem: string) {
    super(`trace line ${line}, field ${field}: ${problem}`);
    this.line = line;
    this.field = field;
  }
}

const requiredColumns = ["start_s", "duration_s", "participants"] as const;
const regionPattern = /^[A-Za-z0-9-]+$/;

function parseNumber(raw: string, line: number, field: string): number {
  const value = raw.trim() === "" ? Number.NaN : Number(raw);
  if (!Number.isFinite(value)) throw new TraceError(line, field, `expected a number, got "${raw}"`);
  return value;
}

export function parseTrace(text: string): ConferenceArrival[] {
  const lines = text.split(/\r?\n/);
  let header: string[] | undefined;
  const arrivals: ConferenceArrival[] = [];

  lines.forEach((rawLine, index) => {
    const line = index + 1;
    const content = rawLine.trim();
    if (content === "" || content.startsWith("#")) return;
    const cells = content.split(",").map((c) => c.trim());

    if (!header) {
      header = cells;
      requiredColumns.forEach((name, i) => {
        if (cells[i] !== name) {
          throw new TraceError(line, "header", `column ${i + 1} must be "${name}", got "${cells[i] ?? ""}"`);
        }
      });
      if (cells.length > 4 || (cells.length === 4 && cells[3] !== "region")) {
        throw new TraceError(line, "header", `only an optional fourth column "region" may follow, got "${cells.slice(3).join(",")}"`);
      }
      return;
    }

    if (cells.length < 3 || cells.length > header.length) {
      throw new TraceError(line, "row", `expected ${header.length === 4 ? "3 or 4" : "3"} fields, got ${cells.length}`);
    }
    const [startRaw = "", durationRaw = "", participantsRaw = "", regionRaw = ""] = cells;
    const start = parseNumber(startRaw, line, "start_s");
    if (start < 0) throw new TraceError(line, "start_s", `must be >= 0, got ${start}`);
    const duration = parseNumber(durationRaw, line, "duration_s");
    if (duration <= 0) throw new TraceError(line, "duration_s", `must be > 0, got ${duration}`);
    const participants = parseNumber(participantsRaw, line, "participants");
    if (!Number.isInteger(participants) || participants < 1) {
      throw new TraceError(line, "participants", `must be a whole number >= 1, got ${participantsRaw}`);
    }
    if (regionRaw !== "" && !regionPattern.test(regionRaw)) {
      throw new TraceError(line, "region", `may hold only letters, digits and dashes, got "${regionRaw}"`);
    }
    const arrival: ConferenceArrival = { startMs: start * 1000, durationMs: duration * 1000, participants };
    if (regionRaw !== "") arrival.region = regionRaw;
    arrivals.push(arrival);
  });

  if (!header) throw new TraceError(1, "header", `missing; the first line must be "${requiredColumns.join(",")}[,region]"`);
  return arrivals.sort((a, b) => a.startMs - b.startMs);
}
