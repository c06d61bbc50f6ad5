import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./config.js";

describe("configuration", () => {
  it("needs nothing set in embedded mode", () => {
    const config = parseConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.DATABASE_URL).toBe("sqlite:./data/scrutineer.sqlite");
    expect(config.LOAD_DEMO_DATA).toBe(true);
  });

  it("stops on a wrong value with one line that names the variable", () => {
    expect(() => parseConfig({ PORT: "eighty" })).toThrow(ConfigError);
    try {
      parseConfig({ PORT: "eighty" });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/^Configuration error: PORT .*\(got "eighty"\)$/);
      expect(message).not.toContain("\n");
    }
  });

  it("names DATABASE_URL when it is neither SQLite nor PostgreSQL", () => {
    expect(() => parseConfig({ DATABASE_URL: "mysql://localhost/x" })).toThrow(
      /DATABASE_URL must start with sqlite:/,
    );
  });

  it("never echoes a secret it refuses", () => {
    expect(() => parseConfig({ SESSION_SECRET: "short-secret" })).toThrow(
      /^Configuration error: SESSION_SECRET must be at least 32 characters$/,
    );
  });

  it("treats an empty variable as unset", () => {
    expect(parseConfig({ PORT: "", LOG_LEVEL: "" }).PORT).toBe(3000);
  });

  it("reads booleans written the usual ways", () => {
    expect(parseConfig({ LOAD_DEMO_DATA: "false" }).LOAD_DEMO_DATA).toBe(false);
    expect(parseConfig({ TRUST_PROXY: "1" }).TRUST_PROXY).toBe(true);
    expect(() => parseConfig({ TRUST_PROXY: "maybe" })).toThrow(/TRUST_PROXY/);
  });
});
