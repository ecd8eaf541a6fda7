/**
 * The developer inbox at the mail sink's `/`: one static page that polls the JSON API, so it needs no build
 * step and works the same in dev and e2e. HTML bodies render in a sandboxed iframe (no scripts, no same-origin).
 */
export function inboxPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Tipmeter mail sink</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: #1f2937; display: grid; grid-template-columns: 24rem 1fr; grid-template-rows: auto 1fr; height: 100vh; }
  header { grid-column: 1 / -1; display: flex; gap: 1rem; align-items: center; padding: .5rem 1rem; background: #111827; color: #fff; }
  header h1 { font-size: 1rem; margin: 0; flex: 1; }
  button { font: inherit; cursor: pointer; }
  #list { overflow-y: auto; border-right: 1px solid #e5e7eb; margin: 0; padding: 0; list-style: none; }
  #list li button { display: block; width: 100%; text-align: left; padding: .6rem 1rem; border: 0; border-bottom: 1px solid #f3f4f6; background: none; }
  #list li button[aria-current="true"] { background: #eef2ff; }
  #list .subject { font-weight: 600; }
  #list .meta { color: #6b7280; font-size: 12px; }
  main { overflow-y: auto; padding: 1rem; }
  pre { white-space: pre-wrap; background: #f9fafb; padding: .75rem; border-radius: 4px; }
  iframe { width: 100%; height: 60vh; border: 1px solid #e5e7eb; border-radius: 4px; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
  dt { color: #6b7280; }
</style>
</head>
<body>
<header><h1>Tipmeter mail sink</h1><span id="count" aria-live="polite"></span><button id="clear" type="button">Delete all</button></header>
<ul id="list" aria-label="Messages"></ul>
<main id="detail"><p>No message selected.</p></main>
<script>
  let selected = null;
  let messages = [];
  const list = document.getElementById("list");
  const detail = document.getElementById("detail");

  function text(tag, value, className) {
    const element = document.createElement(tag);
    element.textContent = value;
    if (className) element.className = className;
    return element;
  }

  function renderList() {
    document.getElementById("count").textContent = messages.length + " message" + (messages.length === 1 ? "" : "s");
    list.replaceChildren(...messages.map((message) => {
      const button = document.createElement("button");
      button.type = "button";
      button.setAttribute("aria-current", String(message.id === selected));
      button.append(text("div", message.subject || "(no subject)", "subject"),
        text("div", message.envelope.to.join(", ") + " · " + new Date(message.receivedAt).toLocaleTimeString(), "meta"));
      button.onclick = () => { selected = message.id; renderList(); renderDetail(); };
      const item = document.createElement("li");
      item.append(button);
      return item;
    }));
  }

  function renderDetail() {
    const message = messages.find((candidate) => candidate.id === selected);
    if (!message) { detail.replaceChildren(text("p", "No message selected.")); return; }
    const facts = document.createElement("dl");
    for (const [label, value] of [["From", message.from ?? message.envelope.from ?? ""], ["To", message.envelope.to.join(", ")], ["Subject", message.subject], ["Received", message.receivedAt]]) {
      facts.append(text("dt", label), text("dd", value));
    }
    const parts = [text("h2", message.subject || "(no subject)"), facts];
    if (message.html) {
      const frame = document.createElement("iframe");
      frame.setAttribute("sandbox", "");
      frame.title = "HTML body";
      frame.srcdoc = message.html;
      parts.push(text("h3", "HTML"), frame);
    }
    if (message.text) parts.push(text("h3", "Text"), text("pre", message.text));
    detail.replaceChildren(...parts);
  }

  async function refresh() {
    const response = await fetch("/messages", { cache: "no-store" });
    const next = await response.json();
    const changed = JSON.stringify(next.map((m) => m.id)) !== JSON.stringify(messages.map((m) => m.id));
    messages = next;
    if (!messages.some((m) => m.id === selected)) selected = messages[0] ? messages[0].id : null;
    if (changed) { renderList(); renderDetail(); }
  }

  document.getElementById("clear").onclick = async () => {
    await fetch("/messages", { method: "DELETE" });
    selected = null;
    await refresh();
    renderList();
    renderDetail();
  };

  renderList();
  refresh();
  setInterval(refresh, 2000);
</script>
</body>
</html>`;
}
