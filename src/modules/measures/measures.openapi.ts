/** The OpenAPI description of the JSON API, served at /api/docs. */
import {
  measureUnits,
  polarities,
  frequencies,
  measureSources,
  nationalPriorities,
} from "./measures.schema.js";

const measureSchema = {
  type: "object",
  required: ["id", "name", "definition", "unit", "polarity", "frequency", "source", "published"],
  properties: {
    id: { type: "string", example: "calls.999-answered-within-10-seconds" },
    name: { type: "string" },
    definition: { type: "string", description: "What is counted, and from where" },
    unit: { type: "string", enum: [...measureUnits] },
    polarity: { type: "string", enum: [...polarities] },
    frequency: { type: "string", enum: [...frequencies] },
    source: { type: "string", enum: [...measureSources] },
    nationalPriority: { type: ["string", "null"], enum: [...Object.keys(nationalPriorities), null] },
    localPriority: { type: ["string", "null"] },
    target: { type: ["number", "null"] },
    query: {
      type: ["object", "null"],
      description: "data.police.uk measures: the crime types, outcome group or searches counted",
    },
    published: { type: "boolean", description: "Whether the public (not signed in) may read it" },
  },
};

const pointSchema = {
  type: "object",
  properties: {
    period: {
      type: "string",
      example: "2025-01",
      description: "Month, financial quarter (Q1 2025/26) or ISO week",
    },
    periodStart: { type: "string", format: "date" },
    periodEnd: { type: "string", format: "date" },
    value: { type: "number" },
    numerator: { type: ["number", "null"] },
    denominator: { type: ["number", "null"] },
    note: { type: ["string", "null"] },
    partial: {
      type: ["string", "null"],
      description:
        "Why the period looks only partly reported (under half the force's median month of data.police.uk records), or null; such a period is left out of the SPC limits and the peer comparison",
    },
    interval: {
      type: ["object", "null"],
      description:
        "The 95% interval of the figure: Wilson score for a percentage with counts, exact Poisson (Garwood) for a count or a rate per 1,000; null when the figure carries no counts",
      properties: {
        lower: { type: "number" },
        upper: { type: "number" },
        confidenceLevel: { type: "number", example: 0.95 },
        method: { type: "string" },
        smallSample: { type: "boolean", description: "A percentage from fewer than 100 responses" },
      },
    },
    spc: {
      type: ["object", "null"],
      description: "null for a partly reported period",
      properties: {
        mean: { type: "number" },
        lpl: { type: ["number", "null"] },
        upl: { type: ["number", "null"] },
        pointType: { type: "string" },
        rule: { type: "string" },
      },
    },
  },
};

const changeSchema = {
  type: ["object", "null"],
  properties: {
    against: { type: "string", enum: ["previous period", "same period last year"] },
    period: { type: "string" },
    value: { type: "number" },
    previousValue: { type: "number" },
    absoluteChange: { type: "number" },
    percentChange: { type: ["number", "null"] },
    significant: { type: ["boolean", "null"], description: "null when the figures carry no counts to test" },
    statement: { type: "string" },
    method: { type: ["string", "null"] },
    test: { type: ["object", "null"] },
    caution: {
      type: ["string", "null"],
      description: "Set when either period is only partly reported: the change is then not like for like",
    },
  },
};

export const measuresOpenApi = {
  openapi: "3.1.0",
  info: {
    title: "Scrutineer API",
    version: "1",
    description:
      "Read-only JSON. Signed-in users (session cookie) read every measure; without signing in, only published measures are listed and served.",
  },
  paths: {
    "/api/measures": {
      get: {
        summary: "List the measures",
        responses: {
          "200": {
            description: "The catalogue",
            content: {
              "application/json": {
                schema: { type: "object", properties: { measures: { type: "array", items: measureSchema } } },
              },
            },
          },
        },
      },
    },
    "/api/measures/{id}/series": {
      get: {
        summary: "A measure's series for an area and date range",
        description:
          "Values by period with the change against the previous period and the same period last year (and whether it is beyond chance), XmR SPC points and signals (NHSRplotthedots rules, rebased at annotated dates), and the comparison with other forces by funnel plot for the latest period.",
        parameters: [
          { name: "id", in: "path", required: true, schema: { type: "string" } },
          {
            name: "area",
            in: "query",
            schema: { type: "string", default: "west-mercia" },
            description: "Force id, ONS local authority code (E06000019) or LPA (west-mercia/herefordshire)",
          },
          {
            name: "from",
            in: "query",
            schema: { type: "string", format: "date" },
            description: "Earliest period start",
          },
          {
            name: "to",
            in: "query",
            schema: { type: "string", format: "date" },
            description: "Latest period start",
          },
        ],
        responses: {
          "200": {
            description: "The series",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: {
                    measure: measureSchema,
                    area: {
                      type: "object",
                      properties: {
                        type: { type: "string" },
                        code: { type: "string" },
                        name: { type: "string" },
                      },
                    },
                    points: { type: "array", items: pointSchema },
                    gaps: {
                      type: "array",
                      description:
                        "Periods missing between the first and last, or only partly reported, oldest first",
                      items: {
                        type: "object",
                        properties: {
                          period: { type: "string" },
                          kind: { type: "string", enum: ["missing", "partial"] },
                          note: { type: "string" },
                        },
                      },
                    },
                    change: {
                      type: "object",
                      properties: {
                        latest: { type: ["string", "null"] },
                        previousPeriod: changeSchema,
                        samePeriodLastYear: changeSchema,
                      },
                    },
                    spcOmitted: {
                      type: ["string", "null"],
                      description:
                        "Why a series with figures has no SPC (rolling 12-month and year-to-date figures overlap, so their points are not independent), or null",
                    },
                    spc: {
                      type: ["object", "null"],
                      properties: {
                        summary: { type: "object" },
                        warnings: { type: "array", items: { type: "string" } },
                        rebasedAt: { type: "array", items: { type: "string", format: "date" } },
                        signals: {
                          type: "array",
                          items: {
                            type: "object",
                            properties: {
                              period: { type: "string" },
                              pointType: { type: "string" },
                              rule: { type: "string" },
                            },
                          },
                        },
                      },
                    },
                    msg: {
                      type: "object",
                      description:
                        "comparison (funnel plot of the force against its Most Similar Group; members with no figure for the period, or a partial one, are listed in comparison.excluded with a note and left out of the average and positions) or, when none is possible, reason",
                      properties: {
                        comparison: { type: ["object", "null"] },
                        period: { type: "string" },
                        reason: { type: "string" },
                      },
                    },
                    annotations: {
                      type: "array",
                      items: {
                        type: "object",
                        properties: {
                          date: { type: "string", format: "date" },
                          text: { type: "string" },
                          rebase: {
                            type: "integer",
                            enum: [0, 1],
                            description: "1: the SPC limits are recalculated from here",
                          },
                        },
                      },
                    },
                    msgGroup: {
                      type: ["string", "null"],
                      description:
                        "The name of the force's Most Similar Group, when the area is a force that has one",
                    },
                    unavailable: {
                      type: ["string", "null"],
                      description: "Why the area can have no series, if so",
                    },
                  },
                },
              },
            },
          },
          "400": { description: "A bad query string" },
          "404": { description: "No such measure (or not published), or no such area" },
        },
      },
    },
  },
} as const;
