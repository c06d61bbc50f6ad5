import { describe, expect, it } from "vitest";
import { renderMarkdown } from "./markdown.js";

describe("notes Markdown", () => {
  it("renders headings, lists and emphasis", () => {
    const html = renderMarkdown("## Response\n\n- first **point**\n- second");
    expect(html).toContain("<h2>Response</h2>");
    expect(html).toContain("<li>first <strong>point</strong></li>");
  });

  it("escapes raw HTML, so a script never comes out", () => {
    const html = renderMarkdown('Before <script>alert("x")</script> after\n\n<img src=x onerror=alert(1)>');
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;script&gt;");
  });

  it("drops javascript: and data: links but keeps https links", () => {
    const html = renderMarkdown(
      "[bad](javascript:alert(1)) [worse](JaVaScRiPt:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) [good](https://www.westmercia-pcc.gov.uk/)",
    );
    // Refused links stay as plain text; what matters is that no link points at them.
    expect(html.toLowerCase()).not.toMatch(/href="\s*javascript:/);
    expect(html.match(/<a /g)).toHaveLength(1);
    expect(html).not.toContain('href="data:');
    expect(html).toContain('<a href="https://www.westmercia-pcc.gov.uk/">good</a>');
  });
});
