// Security keys and passkeys (WebAuthn). Progressive enhancement: the buttons stay hidden
// unless this browser can use WebAuthn; the authenticator app works without this file.

const toBytes = (text) => {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "=");
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
};

const toText = (buffer) =>
  btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

const csrfToken = () => document.querySelector("input[name=csrfmiddlewaretoken]").value;

const post = async (url, body) => {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || "Something went wrong. Try again.");
  return data;
};

const descriptors = (list) => (list || []).map((item) => ({ ...item, id: toBytes(item.id) }));

const credentialJson = (credential) => {
  const response = credential.response;
  const json = {
    id: credential.id,
    rawId: toText(credential.rawId),
    type: credential.type,
    clientExtensionResults: credential.getClientExtensionResults(),
    response: { clientDataJSON: toText(response.clientDataJSON) },
  };
  if (response.attestationObject) {
    json.response.attestationObject = toText(response.attestationObject);
    json.response.transports = response.getTransports ? response.getTransports() : [];
  } else {
    json.response.authenticatorData = toText(response.authenticatorData);
    json.response.signature = toText(response.signature);
    json.response.userHandle = response.userHandle ? toText(response.userHandle) : null;
  }
  return json;
};

const showError = (box, message) => {
  const error = box.querySelector("[data-webauthn-error]");
  error.textContent = message;
  error.hidden = false;
};

const register = async (box) => {
  const options = await post(box.dataset.optionsUrl);
  options.challenge = toBytes(options.challenge);
  options.user.id = toBytes(options.user.id);
  options.excludeCredentials = descriptors(options.excludeCredentials);
  const credential = await navigator.credentials.create({ publicKey: options });
  const name = box.querySelector("input[name=key_name]").value || "Security key";
  const done = await post(`${box.dataset.url}?name=${encodeURIComponent(name)}`, credentialJson(credential));
  window.location.assign(done.redirect);
};

const authenticate = async (box) => {
  const options = await post(box.dataset.optionsUrl);
  options.challenge = toBytes(options.challenge);
  options.allowCredentials = descriptors(options.allowCredentials);
  const credential = await navigator.credentials.get({ publicKey: options });
  const done = await post(box.dataset.url, credentialJson(credential));
  window.location.assign(done.redirect);
};

if (window.PublicKeyCredential) {
  for (const [selector, ceremony] of [["[data-webauthn-register]", register], ["[data-webauthn-authenticate]", authenticate]]) {
    for (const box of document.querySelectorAll(selector)) {
      box.hidden = false;
      for (const note of document.querySelectorAll("[data-webauthn-unsupported]")) note.hidden = true;
      box.querySelector("button").addEventListener("click", (event) => {
        event.preventDefault();
        ceremony(box).catch((error) => showError(box, error.message || "The security key did not answer. Try again."));
      });
    }
  }
}
