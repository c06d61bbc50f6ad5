import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useCli } from "../../../test/helpers/cli.js";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { rootDir } from "../../lib/paths.js";
import {
  PoliceApiClient,
  PoliceApiError,
  splitPolygon,
  type LatLng,
  type PoliceApiOptions,
  type StreetCrime,
} from "./police-api.js";

const database = useTestDatabase();
const cli = useCli(database);
const fixtures = join(rootDir, "test", "fixtures", "police-api");
const fixture = (name: string) => readFileSync(join(fixtures, name));
const wardIds = ["E05007884", "E05007886", "E05007891"] as const;
/** The recorded answers, byte for byte, by ward. */
const wardAnswers = new Map<string, Buffer>(
  wardIds.map((ward) => [ward, fixture(`crimes-street/output_month_2018_01_area_${ward}_0.json`)]),
);
const wardCrimes = (ward: string) => JSON.parse(wardAnswers.get(ward)!.toString("utf8")) as StreetCrime[];

/** A neighbourhood's boundary for the replay: the bounding box of its ward's recorded crimes. */
function boundaryOf(ward: string): LatLng[] {
  const points = wardCrimes(ward).flatMap((crime) =>
    crime.location ? [{ lat: Number(crime.location.latitude), lng: Number(crime.location.longitude) }] : [],
  );
  const lats = points.map((p) => p.lat);
  const lngs = points.map((p) => p.lng);
  const [south, north] = [Math.min(...lats) - 0.001, Math.max(...lats) + 0.001];
  const [west, east] = [Math.min(...lngs) - 0.001, Math.max(...lngs) + 0.001];
  return [
    { lat: south, lng: west },
    { lat: north, lng: west },
    { lat: north, lng: east },
    { lat: south, lng: east },
  ];
}

const polygonKey = (polygon: readonly LatLng[]) => polygon.map((p) => `${p.lat},${p.lng}`).join(":");
const parsePoly = (poly: string): LatLng[] =>
  poly.split(":").map((pair) => {
    const [lat, lng] = pair.split(",").map(Number);
    return { lat: lat!, lng: lng! };
  });

function inside(point: LatLng, polygon: readonly LatLng[]): boolean {
  let result = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [a, b] = [polygon[i]!, polygon[j]!];
    if (a.lat > point.lat !== b.lat > point.lat) {
      const lng = ((b.lng - a.lng) * (point.lat - a.lat)) / (b.lat - a.lat) + a.lng;
      if (point.lng < lng) result = !result;
    }
  }
  return result;
}

type Handler = (
  request: IncomingMessage,
  url: URL,
  body: string,
) => { status: number; body: string | Buffer; headers?: Record<string, string> };

interface Replay {
  baseUrl: string;
  requests: { method: string; path: string }[];
  handle: Handler;
}

let server: Server;
const replay: Replay = { baseUrl: "", requests: [], handle: () => ({ status: 404, body: "" }) };

/** West Mercia as the replay serves it: one neighbourhood per recorded ward. */
const westMercia: Handler = (request, url, body) => {
  const path = url.pathname.replace(/^\/api/, "");
  const ward = /^\/west-mercia\/(E\d+)\/boundary$/.exec(path)?.[1];
  if (path === "/crime-last-updated") return json({ date: "2018-07-01" });
  if (path === "/west-mercia/neighbourhoods")
    return json(wardIds.map((id) => ({ id, name: `Worcester ward ${id}` })));
  if (ward && wardAnswers.has(ward))
    return json(boundaryOf(ward).map((p) => ({ latitude: String(p.lat), longitude: String(p.lng) })));
  if (path === "/crime-categories") return { status: 200, body: fixture("crime-categories-2018-06.json") };
  if (path === "/crimes-street/all-crime") {
    const params = request.method === "POST" ? new URLSearchParams(body) : url.searchParams;
    const asked = polygonKey(parsePoly(params.get("poly") ?? ""));
    const match = wardIds.find((id) => polygonKey(boundaryOf(id)) === asked);
    return match ? { status: 200, body: wardAnswers.get(match)! } : json([]);
  }
  if (path === "/crimes-no-location") return json([]);
  if (path === "/stops-force")
    return {
      status: 200,
      body: Buffer.concat([Buffer.from("["), fixture("stop-and-search.json"), Buffer.from("]")]),
    };
  if (path === "/outcomes-for-crime/46688f40815e3a4cb7fcf69550492d8bffa4ed267652e676e49e23d00955c486")
    return { status: 200, body: fixture("case-history.json") };
  return { status: 404, body: "Not found" };
};

function json(value: unknown) {
  return { status: 200, body: JSON.stringify(value) };
}

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const url = new URL(request.url ?? "/", "http://localhost");
      replay.requests.push({ method: request.method ?? "", path: url.pathname });
      const answer = replay.handle(request, url, Buffer.concat(chunks).toString("utf8"));
      response.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  replay.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** A client on the replay server whose clock moves only when it sleeps, so waits are recorded, not spent. */
function testClient(handle: Handler, options: PoliceApiOptions = {}) {
  replay.handle = handle;
  replay.requests = [];
  const sleeps: number[] = [];
  let clock = 0;
  const client = new PoliceApiClient({
    baseUrl: replay.baseUrl,
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    ...options,
  });
  return { client, sleeps };
}

describe("the data.police.uk API client", () => {
  it("reads real answers: street crimes by polygon, a crime's outcomes, a force's stops", async () => {
    const { client } = testClient(westMercia);
    const crimes = await client.crimesStreet(boundaryOf("E05007884"), "2018-06");
    expect(crimes).toHaveLength(35);
    expect(crimes.map((crime) => crime.id)).toEqual(wardCrimes("E05007884").map((crime) => crime.id));
    expect(replay.requests.at(-1)).toEqual({ method: "GET", path: "/api/crimes-street/all-crime" });

    const history = await client.outcomesForCrime(
      "46688f40815e3a4cb7fcf69550492d8bffa4ed267652e676e49e23d00955c486",
    );
    expect(history.outcomes.map((outcome) => outcome.category.name)).toEqual([
      "Under investigation",
      "Investigation complete; no suspect identified",
    ]);
    expect(history.crime.location).toBeNull();
    const [stop] = await client.stopsForce("west-mercia", "2018-06");
    expect(stop).toMatchObject({
      type: "Person search",
      officer_defined_ethnicity: "White",
      operation: null,
    });
  });

  it("POSTs a polygon too long for a URL", async () => {
    const { client } = testClient((request, _url, body) =>
      request.method === "POST" && new URLSearchParams(body).get("date") === "2018-06"
        ? { status: 200, body: wardAnswers.get("E05007891")! }
        : { status: 400, body: "" },
    );
    const [first] = boundaryOf("E05007891");
    const long = Array.from({ length: 300 }, (_, i) => ({ lat: first!.lat + i / 1e5, lng: first!.lng }));
    expect(await client.crimesStreet(long, "2018-06")).toHaveLength(36);
    expect(replay.requests).toEqual([{ method: "POST", path: "/api/crimes-street/all-crime" }]);
  });

  it("keeps to 15 requests a second after a burst of 30", async () => {
    const { client, sleeps } = testClient(() => json({ date: "2025-10-01" }));
    for (let i = 0; i < 40; i++) await client.crimeLastUpdated();
    expect(replay.requests).toHaveLength(40);
    // The first 30 go at once; each of the other 10 waits for a fifteenth of a second.
    expect(sleeps).toHaveLength(10);
    expect(Math.max(...sleeps)).toBeLessThanOrEqual(67);
    const waited = sleeps.reduce((sum, ms) => sum + ms, 0);
    expect(waited).toBeGreaterThanOrEqual(660);
    expect(waited).toBeLessThanOrEqual(670);
  });

  it("backs off and retries on HTTP 429, as long as Retry-After says, and gives up clearly", async () => {
    let calls = 0;
    const { client, sleeps } = testClient(() =>
      ++calls === 1
        ? { status: 429, body: "", headers: { "retry-after": "2" } }
        : json({ date: "2025-10-01" }),
    );
    expect(await client.crimeLastUpdated()).toEqual({ date: "2025-10-01" });
    expect(sleeps).toEqual([2000]);

    const failing = testClient(() => ({ status: 429, body: "" }), { maxRetries: 3, backoffMs: 100 });
    await expect(failing.client.crimeLastUpdated()).rejects.toThrow(
      `data.police.uk answered HTTP 429 to ${replay.baseUrl}/crime-last-updated after 4 attempts`,
    );
    expect(failing.sleeps).toEqual([100, 200, 400]);
  });

  it("splits a polygon the API says holds too many crimes (HTTP 503) until every part is answered", async () => {
    const recorded = wardCrimes("E05007886");
    // The real limit is 10,000 crimes; the replay refuses more than 50 to make the ward split.
    const { client } = testClient((request, url) => {
      const polygon = parsePoly(url.searchParams.get("poly") ?? "");
      const found = recorded.filter(
        (crime) =>
          crime.location &&
          inside({ lat: Number(crime.location.latitude), lng: Number(crime.location.longitude) }, polygon),
      );
      return found.length > 50 ? { status: 503, body: "" } : json(found);
    });
    await expect(client.crimesStreet(boundaryOf("E05007886"), "2018-06")).rejects.toThrow(
      "the area holds more than 10,000 crimes (HTTP 503); split the polygon and retry",
    );
    const crimes = await client.crimesStreetInArea(boundaryOf("E05007886"), "2018-06");
    expect(new Set(crimes.map((crime) => crime.id))).toEqual(new Set(recorded.map((crime) => crime.id)));
    expect(replay.requests.length).toBeGreaterThan(3);
  });

  it("refuses an answer that is not as documented, naming the field", async () => {
    const broken = wardAnswers.get("E05007891")!.toString();
    const { client } = testClient(() => ({
      status: 200,
      body: broken.replace('"month":"2018-06"', '"month":"June"'),
    }));
    const error = await client.crimesStreet(boundaryOf("E05007891"), "2018-06").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PoliceApiError);
    expect((error as Error).message).toMatch(/is not as expected:[\s\S]*not a YYYY-MM month[\s\S]*month/);
  });

  it("splits a polygon into two halves that cover it", () => {
    const square = [
      { lat: 0, lng: 0 },
      { lat: 2, lng: 0 },
      { lat: 2, lng: 1 },
      { lat: 0, lng: 1 },
    ];
    expect(splitPolygon(square)).toEqual([
      [
        { lat: 0, lng: 0 },
        { lat: 1, lng: 0 },
        { lat: 1, lng: 1 },
        { lat: 0, lng: 1 },
      ],
      [
        { lat: 1, lng: 0 },
        { lat: 2, lng: 0 },
        { lat: 2, lng: 1 },
        { lat: 1, lng: 1 },
      ],
    ]);
  });
});

describe("scrutineer fetch", () => {
  it("fills the store for a force-month from the API, as the CSVs would, and again gives the same", async () => {
    replay.handle = westMercia;
    const out = await mkdtemp(join(tmpdir(), "scrutineer-fetch-"));
    try {
      const args = ["fetch", "--force", "west-mercia", "--from", "2018-06", "--to", "2018-06"];
      expect(await cli.run(...args, "--api-url", replay.baseUrl, "--out", out)).toBe(0);
      expect(cli.output).toContain("loaded   data.police.uk-api/2018-06-west-mercia-street.csv");
      expect(cli.output).toContain(
        "loaded   data.police.uk-api/2018-06-west-mercia-stop-and-search.csv: 1 rows",
      );

      // Every recorded crime once (two wards share one), less those British Transport Police located.
      const expected = new Map<string, number>();
      const labels = new Map(
        (
          JSON.parse(fixture("crime-categories-2018-06.json").toString()) as { url: string; name: string }[]
        ).map((c) => [c.url, c.name]),
      );
      const unique = new Map(wardIds.flatMap((ward) => wardCrimes(ward)).map((crime) => [crime.id, crime]));
      for (const crime of unique.values()) {
        if (crime.location_type === "BTP") continue;
        const label = labels.get(crime.category)!;
        expected.set(label, (expected.get(label) ?? 0) + 1);
      }
      const counts = async () =>
        new Map(
          (
            await database
              .current()
              .db.kysely.selectFrom("crime_street_crimes as c")
              .innerJoin("crime_types as t", "t.id", "c.crime_type_id")
              .select(["t.label", (eb) => eb.fn.countAll().as("n")])
              .where("c.force_id", "=", "west-mercia")
              .where("c.month", "=", "2018-06")
              .groupBy("t.label")
              .execute()
          ).map((row) => [row.label, Number(row.n)]),
        );
      expect(unique.size).toBe(35 + 141 + 36 - 1);
      expect(await counts()).toEqual(expected);
      const written = await readFile(join(out, "2018-06-west-mercia-street.csv"), "utf8");
      expect(written.split("\n")[0]).toBe(
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context",
      );

      expect(await cli.run(...args, "--api-url", replay.baseUrl)).toBe(0);
      expect(await counts()).toEqual(expected);
      const searches = await database
        .current()
        .db.kysely.selectFrom("crime_stop_searches")
        .selectAll()
        .execute();
      expect(searches).toMatchObject([
        {
          force_id: "west-mercia",
          month: "2018-06",
          searched_at: "2018-06-08T13:40:00+00:00",
          outcome: "A no further action disposal",
        },
      ]);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it("refuses months the API does not have yet", async () => {
    replay.handle = westMercia;
    expect(
      await cli.run(
        "fetch",
        "--force",
        "west-mercia",
        "--from",
        "2018-06",
        "--to",
        "2018-08",
        "--api-url",
        replay.baseUrl,
      ),
    ).toBe(1);
    expect(cli.errors).toContain(
      "scrutineer: data.police.uk has data up to 2018-07; ask for months up to then (--to 2018-08 is later)",
    );
  });
});
