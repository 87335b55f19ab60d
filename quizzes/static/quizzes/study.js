// The study page's keyboard and the ordering control. Without this file every step is still a
// plain form; with it: 1–9 pick options, Space/Enter reveal or check, 1–4 rate, o "I was right",
// u undo, s suspend, b bury. In an answer field (text, a cloze blank, a list) keys type into it:
// only Enter acts (it checks), and Escape leaves the field so that the other keys work again.
"use strict";

(() => {
  const answerForm = document.getElementById("answer-form");
  const rateForm = document.getElementById("rate-form");
  let sent = false;

  const submit = (form) => {
    if (!form || sent) return;
    sent = true;
    if (form.requestSubmit) form.requestSubmit();
    else form.submit();
  };
  document.addEventListener("submit", () => {
    sent = true; // one form per page: a second key press must not send another
  });

  const isField = (el) =>
    el instanceof Element &&
    (el.matches("textarea, select, [contenteditable]") ||
      (el.matches("input") && !el.matches("[type=radio], [type=checkbox], [type=button], [type=submit], [type=hidden]")));
  const activates = (el) => el instanceof Element && el.matches("button, a[href], summary");

  document.addEventListener("keydown", (e) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
    const target = e.target;
    const key = e.key;
    if (sent) {
      if (key === " " || key === "Enter") e.preventDefault();
      return;
    }
    if (isField(target)) {
      if (key === "Escape") {
        target.blur(); // out of the field: the shortcuts work again
        e.preventDefault();
      } else if (key === "Enter" && answerForm && answerForm.contains(target) && !target.matches("textarea")) {
        e.preventDefault(); // a text field would submit by itself; a list would not
        submit(answerForm);
      }
      return; // every other key is typing
    }
    if (rateForm) {
      if (/^[1-4]$/.test(key)) {
        const button = rateForm.querySelector(`button[data-key="${key}"]`);
        if (button) {
          e.preventDefault();
          sent = true;
          button.click();
        }
        return;
      }
      if ((key === " " || key === "Enter") && !activates(target)) {
        e.preventDefault();
        const button = rateForm.querySelector("button.default") || rateForm.querySelector("button");
        sent = true;
        button.click();
        return;
      }
    } else if (answerForm) {
      if (/^[1-9]$/.test(key)) {
        const choices = answerForm.querySelectorAll("input[type=radio], input[type=checkbox]");
        const input = choices[Number(key) - 1];
        if (input) {
          e.preventDefault();
          input.checked = input.type === "radio" ? true : !input.checked;
          input.focus();
        }
        return;
      }
      // Space or Enter checks (or shows the answer) on every card without a text field: on a
      // focused option too (1–9 pick options, arrows move within a group).
      if ((key === "Enter" || key === " ") && !activates(target)) {
        e.preventDefault();
        submit(answerForm);
        return;
      }
    }
    const formId = { o: "override-form", u: "undo-form", s: "suspend-form", b: "bury-form" }[key];
    if (formId && document.getElementById(formId)) {
      e.preventDefault();
      submit(document.getElementById(formId));
    }
  });

  // --- ordering: drag with the mouse, or the ↑/↓ buttons and Alt+↑/↓ with the keyboard --------
  document.querySelectorAll("[data-ordering]").forEach((list) => {
    const status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    list.after(status);
    const items = () => [...list.querySelectorAll(".order-item")];
    const renumber = () =>
      items().forEach((li, i) => {
        const select = li.querySelector("select");
        if (select) select.value = String(i + 1);
      });
    const label = (li) => li.querySelector(".item-text").textContent.trim();
    const move = (li, delta) => {
      const other = delta < 0 ? li.previousElementSibling : li.nextElementSibling;
      if (!other) return;
      if (delta < 0) list.insertBefore(li, other);
      else list.insertBefore(other, li);
      renumber();
      status.textContent = `“${label(li)}” is now number ${items().indexOf(li) + 1} of ${items().length}.`;
    };
    let dragging = null;
    items().forEach((li) => {
      li.tabIndex = 0;
      li.draggable = true;
      const moves = document.createElement("span");
      moves.className = "moves";
      for (const [delta, word, arrow] of [[-1, "up", "↑"], [1, "down", "↓"]]) {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = arrow;
        button.setAttribute("aria-label", `Move “${label(li)}” ${word}`);
        button.addEventListener("click", () => {
          move(li, delta);
          button.focus();
        });
        moves.append(button);
      }
      li.append(moves);
      li.addEventListener("keydown", (e) => {
        if (e.altKey && (e.key === "ArrowUp" || e.key === "ArrowDown")) {
          e.preventDefault();
          move(li, e.key === "ArrowUp" ? -1 : 1);
          li.focus();
        }
      });
      li.addEventListener("dragstart", (e) => {
        dragging = li;
        li.classList.add("dragging");
        e.dataTransfer.effectAllowed = "move";
        e.dataTransfer.setData("text/plain", label(li));
      });
      li.addEventListener("dragend", () => {
        li.classList.remove("dragging");
        dragging = null;
        renumber();
      });
    });
    list.addEventListener("dragover", (e) => {
      if (!dragging) return;
      e.preventDefault();
      const over = e.target instanceof Element && e.target.closest(".order-item");
      if (!over || over === dragging) return;
      const box = over.getBoundingClientRect();
      list.insertBefore(dragging, e.clientY > box.top + box.height / 2 ? over.nextSibling : over);
    });
    list.addEventListener("drop", (e) => e.preventDefault());
  });
})();
