// An import running in the background: poll its status and move the progress bar; reload the
// page (which then shows the preview, the outcome or the problems) once it has finished.
// Without JavaScript the page refreshes itself (a <noscript> meta refresh).
"use strict";

(() => {
  const box = document.querySelector("[data-status-url]");
  if (!box) return;
  const bar = box.querySelector("progress");
  const stage = box.querySelector("[data-stage]");
  const percent = box.querySelector("[data-percent]");
  let delay = 1000;
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.statusUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (response.ok) {
        const run = await response.json();
        if (run.finished) {
          window.location.reload();
          return;
        }
        bar.value = run.progress;
        bar.textContent = `${run.progress}%`;
        stage.textContent = run.stage_label;
        percent.textContent = run.progress;
        delay = 1000;
      }
    } catch (err) {
      delay = Math.min(delay * 2, 10000); // offline for a moment: try again, less often
    }
    setTimeout(poll, delay);
  };
  setTimeout(poll, delay);
})();
