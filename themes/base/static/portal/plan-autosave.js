// Autosave for a section of an EHC plan (data-module="portal-plan-autosave"): three seconds
// after the caseworker stops typing, the section is sent to the form's own address with
// "Accept: application/json", and the line under the form says when it was saved. The view
// answers {revision, saved_at} (the hidden revision moves on, so the next save starts
// from it), or {message} with 409 when a colleague saved this section meanwhile, or 400
// when something typed needs fixing: then the Save button shows what, and nothing typed
// is lost. A quotation being added is left for the Save button, so it is never added twice.
// Without this script, the Save button does everything.

const WAIT_MS = 3000;
const LEFT_FOR_SAVE = /-(quote_advice|quote_page|quote_text|quotes_remove|remove)$/;

function start(form) {
  const status = form.querySelector("[data-autosave-status]");
  const revision = form.querySelector("input[name=revision]");
  let timer = null;
  let sending = false;
  let again = false;

  const say = (text) => {
    status.textContent = text;
  };

  async function save() {
    if (sending) {
      again = true;
      return;
    }
    sending = true;
    const data = new FormData(form);
    for (const name of [...data.keys()]) {
      if (LEFT_FOR_SAVE.test(name)) data.delete(name);
    }
    try {
      const response = await fetch(form.action || window.location.href, {
        method: "POST",
        body: data,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      const answer = await response.json().catch(() => ({}));
      if (response.ok) {
        revision.value = answer.revision;
        say(`Saved at ${answer.saved_at}`);
      } else {
        say(answer.message || "Not saved. Select Save to see why.");
      }
    } catch {
      say("Not saved: check your connection. Select Save when it is back.");
    } finally {
      sending = false;
      if (again) {
        again = false;
        save();
      }
    }
  }

  form.addEventListener("input", (event) => {
    if (event.target.name && LEFT_FOR_SAVE.test(event.target.name)) return;
    clearTimeout(timer);
    timer = setTimeout(save, WAIT_MS);
  });
  form.addEventListener("submit", () => clearTimeout(timer));
}

for (const form of document.querySelectorAll("form[data-module=portal-plan-autosave]")) {
  start(form);
}
