/* global document, window, fetch, setTimeout */
// Progressive enhancement of the ingest progress page (src/modules/crime/views/ingest-job.njk): polls
// the job's progress as JSON and updates the bar and text in place, then reloads for the result.
// Without JavaScript the page refreshes itself instead (a <noscript> meta refresh).

const container = document.querySelector("[data-ingest-progress]");
const POLL_MS = 1000;

if (container) {
  const bar = container.querySelector("progress");
  const text = container.querySelector("[data-ingest-progress-text]");
  const url = container.getAttribute("data-ingest-progress");

  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { accept: "application/json" } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const progress = await response.json();
      if (progress.status !== "running") {
        window.location.reload();
        return;
      }
      bar.value = progress.percent;
      bar.textContent = `${progress.percent}%`;
      text.textContent = progress.summary;
    } catch {
      // A missed poll is retried; the reload link on the page still works.
    }
    setTimeout(poll, POLL_MS);
  };
  setTimeout(poll, POLL_MS);
}
