/**
 * A client for the data.police.uk JSON API (https://data.police.uk/docs/). It keeps to the published
 * rate limit (15 requests a second, bursts of 30), backs off and retries on HTTP 429 and on passing
 * failures, validates every answer with zod, and turns the API's 503 for a polygon holding more than
 * 10,000 crimes into a TooManyCrimesError that `crimesStreetInArea` answers by splitting the polygon.
 * The fetch function, clock and sleep are injectable so tests replay recorded answers offline.
 */
import { z } from "zod";

export const POLICE_API_URL = "https://data.police.uk/api";

export type FetchFunction = (url: string, init?: RequestInit) => Promise<Response>;

export interface PoliceApiOptions {
  baseUrl?: string;
  fetch?: FetchFunction;
  /** The published limit: 15 requests a second on average, with bursts of up to 30. */
  requestsPerSecond?: number;
  burst?: number;
  /** Retries of one request after a 429, a 5xx (but the 503 for too many crimes) or a network failure. */
  maxRetries?: number;
  /** First backoff; it doubles with each retry unless the answer says how long to wait (Retry-After). */
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export class PoliceApiError extends Error {
  constructor(
    message: string,
    readonly url: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = "PoliceApiError";
  }
}

/** data.police.uk answers 503 when a polygon holds more than 10,000 crimes: split it and ask again. */
export class TooManyCrimesError extends PoliceApiError {
  constructor(url: string) {
    super(
      `data.police.uk refused ${url}: the area holds more than 10,000 crimes (HTTP 503); split the polygon and retry`,
      url,
      503,
    );
    this.name = "TooManyCrimesError";
  }
}

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "not a YYYY-MM month");
// Coordinates come as strings ("52.210578").
const coordinate = z.string().regex(/^-?\d+(\.\d+)?$/, "not a decimal coordinate");
const location = z.object({
  latitude: coordinate,
  longitude: coordinate,
  street: z.object({ id: z.number().int(), name: z.string() }),
});

export const forceSchema = z.object({ id: z.string(), name: z.string() });
export const crimeCategorySchema = z.object({ url: z.string(), name: z.string() });
export const lastUpdatedSchema = z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) });
export const streetCrimeSchema = z.object({
  category: z.string(),
  /** "Force", "BTP" (British Transport Police), or null for crimes without a location. */
  location_type: z.string().nullable(),
  location: location.nullable(),
  context: z.string().nullable(),
  outcome_status: z.object({ category: z.string(), date: month }).nullable(),
  /** Empty for anti-social behaviour. */
  persistent_id: z.string(),
  id: z.number().int(),
  location_subtype: z.string().nullable(),
  month,
});
export type StreetCrime = z.infer<typeof streetCrimeSchema>;

export const caseHistorySchema = z.object({
  crime: streetCrimeSchema.omit({ outcome_status: true }),
  outcomes: z.array(
    z.object({
      category: z.object({ code: z.string(), name: z.string() }),
      date: month,
      person_id: z.number().int().nullable(),
    }),
  ),
});
export type CaseHistory = z.infer<typeof caseHistorySchema>;

export const stopSearchSchema = z.object({
  type: z.string(),
  involved_person: z.boolean(),
  datetime: z.string(),
  operation: z.boolean().nullable(),
  operation_name: z.string().nullable(),
  location: location.nullable(),
  gender: z.string().nullable(),
  age_range: z.string().nullable(),
  self_defined_ethnicity: z.string().nullable(),
  officer_defined_ethnicity: z.string().nullable(),
  legislation: z.string().nullable(),
  object_of_search: z.string().nullable(),
  // Older records give `false` where there was no outcome.
  outcome: z.union([z.string(), z.literal(false)]).nullable(),
  outcome_linked_to_object_of_search: z.boolean().nullable(),
  removal_of_more_than_outer_clothing: z.boolean().nullable(),
});
export type StopSearch = z.infer<typeof stopSearchSchema>;

export const neighbourhoodSchema = z.object({ id: z.string(), name: z.string() });
export const boundaryPointSchema = z.object({ latitude: coordinate, longitude: coordinate });

export interface LatLng {
  lat: number;
  lng: number;
}

/** A URL longer than this is refused by the API's server; longer polygons are POSTed instead. */
const MAX_GET_URL = 4000;
/** Each split halves the area; ten levels is 1/1024 of a neighbourhood, far below 10,000 crimes. */
const MAX_SPLITS = 10;

export class PoliceApiClient {
  private readonly baseUrl: string;
  private readonly fetch: FetchFunction;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly maxRetries: number;
  private readonly backoffMs: number;
  private readonly limiter: TokenBucket;

  constructor(options: PoliceApiOptions = {}) {
    this.baseUrl = (options.baseUrl ?? POLICE_API_URL).replace(/\/$/, "");
    this.fetch = options.fetch ?? ((url, init) => fetch(url, init));
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? (() => Date.now());
    this.maxRetries = options.maxRetries ?? 5;
    this.backoffMs = options.backoffMs ?? 1000;
    this.limiter = new TokenBucket(
      options.requestsPerSecond ?? 15,
      options.burst ?? 30,
      this.now,
      this.sleep,
    );
  }

  forces() {
    return this.get("/forces", z.array(forceSchema));
  }

  crimeCategories(date: string) {
    return this.get(`/crime-categories?date=${date}`, z.array(crimeCategorySchema));
  }

  crimeLastUpdated() {
    return this.get("/crime-last-updated", lastUpdatedSchema);
  }

  neighbourhoods(forceId: string) {
    return this.get(`/${encodeURIComponent(forceId)}/neighbourhoods`, z.array(neighbourhoodSchema));
  }

  async neighbourhoodBoundary(forceId: string, neighbourhoodId: string): Promise<LatLng[]> {
    const points = await this.get(
      `/${encodeURIComponent(forceId)}/${encodeURIComponent(neighbourhoodId)}/boundary`,
      z.array(boundaryPointSchema),
    );
    return points.map((point) => ({ lat: Number(point.latitude), lng: Number(point.longitude) }));
  }

  /** Street-level crimes in a polygon for a month; a TooManyCrimesError past 10,000. */
  crimesStreet(polygon: readonly LatLng[], date: string): Promise<StreetCrime[]> {
    const poly = polygon.map((point) => `${point.lat},${point.lng}`).join(":");
    const path = "/crimes-street/all-crime";
    const query = `poly=${poly}&date=${date}`;
    const schema = z.array(streetCrimeSchema);
    if (`${this.baseUrl}${path}?${query}`.length <= MAX_GET_URL) {
      return this.get(`${path}?${query}`, schema, { tooManyCrimes: true });
    }
    return this.request(
      path,
      schema,
      {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ poly, date }).toString(),
      },
      { tooManyCrimes: true },
    );
  }

  /** Every street-level crime in a polygon, splitting it in halves while the API says it holds too many. */
  async crimesStreetInArea(polygon: readonly LatLng[], date: string, depth = 0): Promise<StreetCrime[]> {
    try {
      return await this.crimesStreet(polygon, date);
    } catch (error) {
      if (!(error instanceof TooManyCrimesError) || depth >= MAX_SPLITS) throw error;
      const halves = splitPolygon(polygon);
      const crimes: StreetCrime[] = [];
      for (const half of halves) crimes.push(...(await this.crimesStreetInArea(half, date, depth + 1)));
      return crimes;
    }
  }

  crimesNoLocation(forceId: string, date: string) {
    return this.get(
      `/crimes-no-location?category=all-crime&force=${encodeURIComponent(forceId)}&date=${date}`,
      z.array(streetCrimeSchema),
    );
  }

  outcomesForCrime(persistentId: string) {
    return this.get(`/outcomes-for-crime/${encodeURIComponent(persistentId)}`, caseHistorySchema);
  }

  stopsForce(forceId: string, date: string) {
    return this.get(
      `/stops-force?force=${encodeURIComponent(forceId)}&date=${date}`,
      z.array(stopSearchSchema),
    );
  }

  private get<S extends z.ZodType>(
    path: string,
    schema: S,
    options: { tooManyCrimes?: boolean } = {},
  ): Promise<z.infer<S>> {
    return this.request(path, schema, { method: "GET" }, options);
  }

  private async request<S extends z.ZodType>(
    path: string,
    schema: S,
    init: RequestInit,
    { tooManyCrimes = false }: { tooManyCrimes?: boolean },
  ): Promise<z.infer<S>> {
    const url = `${this.baseUrl}${path}`;
    const shown = url.length > 200 ? `${url.slice(0, 200)}…` : url;
    for (let attempt = 0; ; attempt++) {
      await this.limiter.take();
      let response: Response;
      try {
        response = await this.fetch(url, init);
      } catch (error) {
        if (attempt >= this.maxRetries) {
          throw new PoliceApiError(
            `data.police.uk could not be reached for ${shown} after ${attempt + 1} attempts: ${(error as Error).message}`,
            url,
            null,
          );
        }
        await this.sleep(this.backoffMs * 2 ** attempt);
        continue;
      }
      if (response.ok) {
        const parsed = schema.safeParse(await response.json().catch(() => undefined));
        if (parsed.success) return parsed.data;
        throw new PoliceApiError(
          `data.police.uk's answer to ${shown} is not as expected:\n${z.prettifyError(parsed.error)}`,
          url,
          response.status,
        );
      }
      await response.body?.cancel();
      if (response.status === 503 && tooManyCrimes) throw new TooManyCrimesError(shown);
      const transient = response.status === 429 || response.status >= 500;
      if (!transient || attempt >= this.maxRetries) {
        throw new PoliceApiError(
          `data.police.uk answered HTTP ${response.status} to ${shown}${transient ? ` after ${attempt + 1} attempts` : ""}`,
          url,
          response.status,
        );
      }
      const retryAfter = Number(response.headers.get("retry-after"));
      await this.sleep(retryAfter > 0 ? retryAfter * 1000 : this.backoffMs * 2 ** attempt);
    }
  }
}

/** Requests wait for a token; tokens come back at `rate` a second up to `burst`. */
class TokenBucket {
  private tokens: number;
  private updated: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {
    this.tokens = burst;
    this.updated = now();
  }

  /** Callers are served in turn, so concurrent requests share the budget fairly. */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.waitForToken());
    this.queue = turn;
    return turn;
  }

  private async waitForToken(): Promise<void> {
    for (;;) {
      const now = this.now();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.updated) / 1000) * this.rate);
      this.updated = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.sleep(Math.ceil(((1 - this.tokens) / this.rate) * 1000));
    }
  }
}

/**
 * Cuts a polygon in two across the middle of the longer side of its bounding box (Sutherland–Hodgman
 * clipping against each half-plane). A concave polygon may give a half with a zero-width bridge,
 * which covers no extra ground; crimes on the cut line can come back in both halves, so callers
 * de-duplicate by crime id.
 */
export function splitPolygon(polygon: readonly LatLng[]): [LatLng[], LatLng[]] {
  const lats = polygon.map((point) => point.lat);
  const lngs = polygon.map((point) => point.lng);
  const latSpan = Math.max(...lats) - Math.min(...lats);
  const lngSpan = Math.max(...lngs) - Math.min(...lngs);
  const axis: keyof LatLng = latSpan >= lngSpan ? "lat" : "lng";
  const values = axis === "lat" ? lats : lngs;
  const middle = (Math.max(...values) + Math.min(...values)) / 2;
  return [clip(polygon, axis, middle, true), clip(polygon, axis, middle, false)];
}

function clip(polygon: readonly LatLng[], axis: keyof LatLng, at: number, below: boolean): LatLng[] {
  const inside = (point: LatLng) => (below ? point[axis] <= at : point[axis] >= at);
  const result: LatLng[] = [];
  polygon.forEach((current, index) => {
    const previous = polygon[(index + polygon.length - 1) % polygon.length]!;
    if (inside(current) !== inside(previous)) {
      const t = (at - previous[axis]) / (current[axis] - previous[axis]);
      result.push({
        lat: previous.lat + t * (current.lat - previous.lat),
        lng: previous.lng + t * (current.lng - previous.lng),
      });
    }
    if (inside(current)) result.push(current);
  });
  return result;
}
