// The question editor's live preview: the form is sent to the preview endpoint as the instructor
// types, and the sanitised HTML it returns replaces the preview. Without JavaScript, saving
// shows the same preview.
"use strict";

(() => {
  const form = document.getElementById("question-form");
  const target = document.getElementById("preview");
  if (!form || !target || !form.dataset.previewUrl) return;
  let timer = null;
  let latest = 0;
  const refresh = async () => {
    const mine = ++latest;
    try {
      const response = await fetch(form.dataset.previewUrl, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
      });
      if (response.ok && mine === latest) target.innerHTML = await response.text();
    } catch (err) {
      // Offline for a moment: keep the last preview; the next keystroke tries again.
    }
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  };
  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
