import { expect, it } from "vitest";
import { appLink, creditsText, escapeHtml, renderEmail } from "./template";

it.each([
  ["<b>", "&#60;b&#62;"],
  ["Tom & Jerry", "Tom &#38; Jerry"],
  [`"quoted" 'single'`, "&#34;quoted&#34; &#39;single&#39;"],
  ["plain", "plain"],
])("escapes %s", (input, escaped) => {
  expect(escapeHtml(input)).toBe(escaped);
});

it("renders paragraphs, the link and the signature as text and escaped HTML", () => {
  const email = renderEmail({
    to: "mia@tipmeter.test",
    subject: "Hi <there>",
    paragraphs: ["Hi Mia <script>,", "Line one\nLine two"],
    link: appLink("http://127.0.0.1:3100", "Your wallet", "/wallet?a=1&b=2"),
  });
  expect(email.subject).toBe("Hi <there>");
  expect(email.text).toBe("Hi Mia <script>,\n\nLine one\nLine two\n\nYour wallet: http://127.0.0.1:3100/wallet?a=1&b=2\n\nTipmeter");
  expect(email.html).toBe(
    [
      "<p>Hi Mia &#60;script&#62;,</p>",
      "<p>Line one<br>Line two</p>",
      '<p><a href="http://127.0.0.1:3100/wallet?a=1&#38;b=2">Your wallet</a></p>',
      "<p>Tipmeter</p>",
    ].join("\n"),
  );
  expect(email.html).not.toContain("<script>");
});

it("leaves the link out when there is none", () => {
  const email = renderEmail({ to: "a@tipmeter.test", subject: "S", paragraphs: ["Only this."] });
  expect(email.text).toBe("Only this.\n\nTipmeter");
  expect(email.html).toBe("<p>Only this.</p>\n<p>Tipmeter</p>");
});

it.each([
  [1n, "1 credit"],
  [0n, "0 credits"],
  [1250n, "1,250 credits"],
])("counts %s as %s", (amount, text) => {
  expect(creditsText(amount)).toBe(text);
});
