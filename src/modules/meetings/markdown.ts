import MarkdownIt from "markdown-it";

// Raw HTML in notes is shown as text, and markdown-it's link validation drops javascript:, vbscript:, file: and
// data: links, so notes written by anyone cannot inject script into the pages that show them.
const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });

/** Notes (Markdown) as safe HTML for the pages. */
export function renderMarkdown(source: string): string {
  return markdown.render(source);
}
