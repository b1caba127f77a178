// The form definition editor's live check (progressive enhancement: without this
// file the definition is checked when it is saved). As the admin types, the box's
// text is posted to the draft's check address, which answers
// {"valid": bool, "problems": [{"path", "message"}]}; the result is written into a
// polite live region under the box. Nothing is saved.
const box = document.querySelector("textarea[data-definition-check]");
const status = document.getElementById("definition-live-status");

if (box && status) {
  const url = box.dataset.definitionCheck;
  const token = box.form.querySelector("input[name=csrfmiddlewaretoken]").value;
  let timer;
  let latest = 0;

  const show = (result) => {
    status.replaceChildren();
    const heading = document.createElement("p");
    heading.className = "govuk-body-s govuk-!-margin-bottom-1";
    if (result.valid) {
      heading.textContent = "Checked as you type: no problems found.";
      status.append(heading);
      return;
    }
    const count = result.problems.length;
    heading.textContent = `Checked as you type: ${count} problem${count === 1 ? "" : "s"} found.`;
    const list = document.createElement("ul");
    list.className = "govuk-list govuk-list--bullet govuk-body-s govuk-error-message";
    for (const problem of result.problems) {
      const item = document.createElement("li");
      item.textContent = `${problem.path}: ${problem.message}`;
      list.append(item);
    }
    status.append(heading, list);
  };

  const check = async () => {
    const asked = ++latest;
    try {
      const response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": token, "Content-Type": "application/json" },
        body: box.value,
      });
      if (!response.ok || asked !== latest) return;
      show(await response.json());
    } catch {
      // Offline or signed out: the check when saving still applies.
    }
  };

  box.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(check, 600);
  });
}
