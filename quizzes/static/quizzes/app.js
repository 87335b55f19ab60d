// Progressive enhancement for every page (the pages work without it): the browser's time zone
// for sign-up and settings, and selects that apply themselves.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (err) {
    zone = "";
  }

  // Sign-up: the new learner's day starts in their own zone.
  const signupZone = document.querySelector("form[data-browser-zone] input[name=timezone]");
  if (signupZone && zone) signupZone.value = zone;

  // Settings still on the default zone: offer the browser's, saved only when the learner saves.
  const settings = document.querySelector("form[data-suggest-zone]");
  const select = settings && settings.querySelector("select[name=timezone]");
  if (select && zone && select.value !== zone && [...select.options].some((o) => o.value === zone)) {
    select.value = zone;
    const hint = document.getElementById("zone-hint");
    if (hint) {
      hint.textContent = `Time zone set from your browser (${zone}): save to keep it.`;
      hint.hidden = false;
    }
  }

  document.querySelectorAll("select[data-autosubmit]").forEach((el) => {
    el.addEventListener("change", () => el.form.submit());
  });
});
