// The question editor. Without JavaScript every button is a plain submit that the server
// handles (show a kind's fields, more rows, update the preview, check an answer); this file
// makes the same things happen in place:
// - choosing a kind shows its fields and hides the others;
// - "More rows" adds an empty row to each list of the kind (Django formset numbering);
// - a single-choice question keeps one "correct" tick;
// - the preview follows the form as the instructor types (sanitised HTML from the server);
// - "Check this answer" asks the server for the grader's verdict on the answer tried in the
//   preview, and shows it there. Nothing is saved by any of these.
"use strict";

(() => {
  const form = document.getElementById("question-form");
  const target = document.getElementById("preview");
  if (!form || !target || !form.dataset.previewUrl) return;
  const kindSelect = form.elements.namedItem("kind");
  let timer = null;
  let latest = 0;

  const refresh = async (extra) => {
    const mine = ++latest;
    const body = new FormData(form);
    if (extra) for (const [key, value] of Object.entries(extra)) body.set(key, value);
    try {
      const response = await fetch(form.dataset.previewUrl, {
        method: "POST",
        body,
        credentials: "same-origin",
      });
      if (response.ok && mine === latest) target.innerHTML = await response.text();
    } catch (err) {
      // Offline for a moment: keep the last preview; the next change tries again.
    }
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  };

  const showKind = () => {
    const kind = kindSelect ? kindSelect.value : "";
    form.dataset.kind = kind;
    for (const section of form.querySelectorAll(".spec-section[data-kinds]")) {
      section.hidden = !section.dataset.kinds.split(" ").includes(kind);
    }
  };

  const addRow = (fieldset) => {
    const total = fieldset.querySelector('input[name$="-TOTAL_FORMS"]');
    const rows = fieldset.querySelectorAll("[data-row]");
    if (!total || !rows.length) return null;
    const index = Number(total.value);
    const row = rows[rows.length - 1].cloneNode(true);
    const renumber = (value) => value.replace(/-\d+-/, `-${index}-`);
    for (const el of row.querySelectorAll("[name], [id], label[for]")) {
      if (el.name) el.name = renumber(el.name);
      if (el.id) el.id = renumber(el.id);
      if (el.htmlFor) el.htmlFor = renumber(el.htmlFor);
      if (el.type === "checkbox") el.checked = false;
      else if (el.tagName === "INPUT") el.value = "";
    }
    rows[rows.length - 1].after(row);
    total.value = String(index + 1);
    return row;
  };

  form.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.matches("[data-more-rows]")) {
      event.preventDefault();
      let first = null;
      for (const fieldset of form.querySelectorAll(".spec-section:not([hidden]) [data-formset]")) {
        const row = addRow(fieldset);
        first = first || row;
      }
      if (first) first.querySelector('input[type="text"]')?.focus();
    } else if (button.matches("[data-try]")) {
      event.preventDefault();
      refresh({ _try: "1" });
    }
  });

  form.addEventListener("change", (event) => {
    const el = event.target;
    if (el === kindSelect) showKind();
    if (el.matches('input[type="checkbox"][name$="-correct"]') && el.checked &&
        form.dataset.kind === "single_choice") {
      for (const other of form.querySelectorAll('input[type="checkbox"][name$="-correct"]')) {
        if (other !== el) other.checked = false;
      }
    }
    if (target.contains(el) && !el.matches("[data-preview-refresh]")) return; // an answer tried
    later();
  });
  form.addEventListener("input", (event) => {
    if (!target.contains(event.target)) later();
  });
  // Enter in the preview's answer box checks the answer instead of saving the question.
  target.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.matches('input[type="text"]')) {
      event.preventDefault();
      refresh({ _try: "1" });
    }
  });
  showKind();
})();
