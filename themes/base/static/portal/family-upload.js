// Progressive enhancement for a family's upload form (data-module="portal-family-upload"):
// the files are sent one at a time, each with its own progress bar and its own result,
// so a family sees which file was kept and why another was refused. Without this script
// the form posts every file at once and the page that comes back says the same.
//
// Each file goes to the form's own address with "Accept: application/json"; the view
// answers {kept: [{title, status}], refused: [{name, messages}], errors: [...]}; a status of
// "scanning" means the file is kept and still being checked for viruses.

const FAILED = "The file could not be sent. Check your internet connection and try again.";
const SIGNED_OUT = "The file could not be sent. Your session may have ended: reload the page and sign in again.";

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

function fileRow(list, file) {
  const item = element("li", "portal-upload-list__item");
  const name = element("span", "portal-upload-list__name govuk-!-font-weight-bold", file.name);
  const progress = element("progress", "portal-upload-list__progress");
  progress.max = 100;
  progress.value = 0;
  progress.setAttribute("aria-label", `Sending ${file.name}`);
  const result = element("span", "portal-upload-list__result govuk-body-s", "Waiting to send");
  item.append(name, progress, result);
  list.append(item);
  return { item, progress, result };
}

function send(form, fieldName, file, row) {
  return new Promise((resolve) => {
    const data = new FormData();
    data.append("csrfmiddlewaretoken", form.querySelector("input[name=csrfmiddlewaretoken]").value);
    data.append(fieldName, file, file.name);
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("Accept", "application/json");
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) row.progress.value = Math.round((100 * event.loaded) / event.total);
    });
    request.addEventListener("load", () => {
      let answer;
      try {
        answer = JSON.parse(request.responseText);
      } catch {
        resolve({ kept: false, messages: [SIGNED_OUT] });
        return;
      }
      const refused = (answer.refused || []).flatMap((refusal) => refusal.messages);
      const errors = answer.errors || [];
      const kept = answer.kept || [];
      resolve({
        kept: kept.length > 0,
        checking: kept.some((document) => document.status === "scanning"),
        messages: [...refused, ...errors],
      });
    });
    request.addEventListener("error", () => resolve({ kept: false, messages: [FAILED] }));
    row.result.textContent = "Sending";
    request.send(data);
  });
}

function enhance(form) {
  const input = form.querySelector("input[type=file][multiple]");
  const status = form.querySelector("[data-upload-status]");
  const button = form.querySelector("button[type=submit]");
  if (!input || !status || !button || !window.FormData || !window.XMLHttpRequest) return;

  form.addEventListener("submit", async (event) => {
    const files = Array.from(input.files || []);
    if (files.length === 0) return; // the server says what is missing
    event.preventDefault();
    button.disabled = true;
    button.setAttribute("aria-disabled", "true");
    status.replaceChildren(element("h3", "govuk-heading-s", "Sending your files"));
    const list = element("ul", "govuk-list portal-upload-list");
    status.append(list);
    const rows = files.map((file) => fileRow(list, file));

    let kept = 0;
    for (const [index, file] of files.entries()) {
      const row = rows[index];
      const outcome = await send(form, input.name, file, row);
      row.progress.value = 100;
      if (outcome.kept) {
        kept += 1;
        row.item.classList.add("portal-upload-list__item--kept");
        row.result.textContent = outcome.checking ? "Sent: being checked for viruses" : "Sent";
      } else {
        row.item.classList.add("portal-upload-list__item--refused");
        row.result.textContent = `Not sent: ${outcome.messages.join(" ")}`;
      }
    }

    const refused = files.length - kept;
    const summary = element(
      "p",
      "govuk-body govuk-!-font-weight-bold",
      `${kept} of ${files.length} ${files.length === 1 ? "file" : "files"} sent.` +
        (refused ? " The files not sent are explained above: you can choose them again once they are fixed." : ""),
    );
    status.append(summary);
    if (kept) {
      const link = element("a", "govuk-link", "Show the updated list of documents");
      link.href = form.action;
      const paragraph = element("p", "govuk-body");
      paragraph.append(link);
      status.append(paragraph);
    }
    input.value = "";
    button.disabled = false;
    button.removeAttribute("aria-disabled");
  });
}

for (const form of document.querySelectorAll("form[data-module=portal-family-upload]")) enhance(form);
