import { describe, expect, it } from "vitest";
import { createViewEnvironment } from "./render.js";

describe("the view environment's trim filter", () => {
  const env = createViewEnvironment();
  const render = (template: string, context: object) => env.renderString(template, context);

  it("removes what Nunjucks' own trim removed: every character of a regular expression's \\s", () => {
    // Nunjucks' trim: value.replace(/^\s*|\s*$/g, ""), here for the characters it treats as space.
    const space = " \t\n\v\f\r\u00a0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000\ufeff";
    for (const value of [`${space}a b${space}`, "no space", "", space, `\u200bzero width\u200b`]) {
      expect(render("{{ value | trim }}", { value })).toBe(value.replace(/^\s*|\s*$/g, ""));
    }
  });

  it("keeps markup marked safe unescaped, and escapes the rest", () => {
    expect(render("{{ value | safe | trim }}", { value: "  <b>bold</b>\n" })).toBe("<b>bold</b>");
    expect(render("{{ value | trim }}", { value: "  <b>bold</b>\n" })).toBe("&lt;b&gt;bold&lt;/b&gt;");
  });
});
