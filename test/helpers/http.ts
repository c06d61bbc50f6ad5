import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { buildApp } from "../../src/app.js";
import { parseConfig } from "../../src/config.js";
import type { Db } from "../../src/db/database.js";
import { testPassword } from "../factories.js";

export function testApp(db: Db): Promise<FastifyInstance> {
  return buildApp({ config: parseConfig({ LOG_LEVEL: "silent" }), db });
}

let clientsMade = 0;
function nextClientAddress(): string {
  clientsMade += 1;
  return `10.${(clientsMade >> 16) & 255}.${(clientsMade >> 8) & 255}.${clientsMade & 255}`;
}

/** A browser-like client for in-process requests: keeps cookies and reads CSRF tokens out of forms. */
export class TestClient {
  private readonly cookies = new Map<string, string>();

  constructor(
    private readonly app: FastifyInstance,
    /**
     * The address requests come from; a new one per client so sign-in rate limits do not leak between
     * tests (a random one of 250 did, now and then: another client's failures blocked a test's sign-in).
     */
    private readonly remoteAddress = nextClientAddress(),
  ) {}

  async get(url: string): Promise<LightMyRequestResponse> {
    return this.send("GET", url);
  }

  /** Posts a form as a browser would: with the CSRF token of a page this session has rendered. */
  /** Posts a form as a browser does: a field given several values (ticked checkboxes) is sent once for each. */
  async post(
    url: string,
    form: Record<string, string | string[]>,
    formPage = "/sign-in",
  ): Promise<LightMyRequestResponse> {
    const token = csrfTokenIn((await this.get(formPage)).body);
    return this.send("POST", url, { _csrf: token, ...form });
  }

  async postWithoutToken(url: string, form: Record<string, string>): Promise<LightMyRequestResponse> {
    return this.send("POST", url, form);
  }

  async signIn(email: string, password = testPassword): Promise<LightMyRequestResponse> {
    return this.post("/sign-in", { email, password });
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  private async send(method: "GET" | "POST", url: string, form?: Record<string, string | string[]>) {
    const response = await this.app.inject({
      method,
      url,
      remoteAddress: this.remoteAddress,
      headers: {
        cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; "),
        ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}),
      },
      ...(form
        ? {
            payload: new URLSearchParams(
              Object.entries(form).flatMap(([name, values]) => [values].flat().map((value) => [name, value])),
            ).toString(),
          }
        : {}),
    });
    for (const cookie of response.cookies) {
      if (cookie.maxAge === 0 || (cookie.expires && cookie.expires.getTime() < Date.now()))
        this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    return response;
  }
}

export function csrfTokenIn(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error("No CSRF token in the page");
  return match[1];
}
