export function escapeHtml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

const STYLES = `
  :root { color-scheme: light; --ink: #1a1f36; --muted: #5b6275; --line: #e3e6ee; --brand: #5b4cdb; --brand-dark: #4437b8;
    --danger: #b42318; --danger-bg: #fef3f2; --ok: #067647; --ok-bg: #ecfdf3; }
  * { box-sizing: border-box; }
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; padding: 2rem 1rem;
    font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f4f5fa; }
  main { width: 100%; max-width: 30rem; background: #fff; border: 1px solid var(--line); border-radius: 12px;
    box-shadow: 0 8px 24px rgb(26 31 54 / 8%); padding: 2rem; }
  header { display: flex; justify-content: space-between; align-items: center; gap: 1rem; margin-bottom: 1.5rem; }
  h1 { font-size: 1.25rem; margin: 0; }
  .badge { font-size: .75rem; font-weight: 600; text-transform: uppercase; letter-spacing: .04em; color: #b54708;
    background: #fffaeb; border: 1px solid #fedf89; border-radius: 999px; padding: .15rem .6rem; }
  table { width: 100%; border-collapse: collapse; margin-bottom: 1.25rem; }
  caption { text-align: left; font-weight: 600; margin-bottom: .5rem; }
  th, td { padding: .5rem 0; border-bottom: 1px solid var(--line); text-align: left; }
  th[scope="col"] { font-size: .8rem; color: var(--muted); font-weight: 500; }
  .num { text-align: right; font-variant-numeric: tabular-nums; }
  tfoot th, tfoot td { font-weight: 700; border-bottom: 0; }
  label { display: block; font-weight: 600; margin-bottom: .35rem; }
  input { width: 100%; font: inherit; padding: .6rem .75rem; border: 1px solid #c9cedb; border-radius: 8px; }
  input:focus-visible, button:focus-visible, a:focus-visible { outline: 3px solid #b4adf5; outline-offset: 2px; }
  .hint { color: var(--muted); font-size: .875rem; margin: .5rem 0 1.25rem; }
  .actions { display: grid; gap: .6rem; }
  button { font: inherit; font-weight: 600; border-radius: 8px; padding: .7rem 1rem; cursor: pointer;
    border: 1px solid #c9cedb; background: #fff; color: var(--ink); }
  button:hover { background: #f4f5fa; }
  button.primary { background: var(--brand); border-color: var(--brand); color: #fff; }
  button.primary:hover { background: var(--brand-dark); }
  button.link { border: 0; background: none; color: var(--muted); text-decoration: underline; }
  .alert { border-radius: 8px; padding: .75rem 1rem; margin-bottom: 1.25rem; }
  .alert.error { color: var(--danger); background: var(--danger-bg); border: 1px solid #fecdca; }
  .alert.ok { color: var(--ok); background: var(--ok-bg); border: 1px solid #abefc6; }
  a { color: var(--brand-dark); }
`;

/** A whole page in the emulator's look. `body` must already be escaped. */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLES}</style>
</head>
<body>
<main>
<header><h1>${escapeHtml(title)}</h1><span class="badge">Test mode</span></header>
${body}
</main>
</body>
</html>`;
}

// Inline styles only, no scripts; form-action must allow the 303 redirects to the app's success/cancel URLs.
export const PAGE_SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http: https:; base-uri 'none'; frame-ancestors 'none'",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "cache-control": "no-store",
};
