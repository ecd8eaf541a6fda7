import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import Pusher from "pusher";
import { startPusherServer, type PusherServerHandle } from "../server/local/pusher/server";

/**
 * pusher-js's browser bundle in real Chromium against the local Pusher-protocol server. Self-contained: it starts
 * its own Pusher server and a tiny page server (which also answers pusher-js's channel-authorization requests with
 * the real `pusher` library), so it needs neither the app nor a database. Chromium comes from playwright.config.ts.
 */

const app = { appId: "browser-test", key: "browser-key", secret: "browser-secret" };
let pusherServer: PusherServerHandle;
let pageServer: Server;
let pageUrl: string;
let library: Pusher;

function pageHtml(pusherPort: number): string {
  const options = { cluster: "local", wsHost: "127.0.0.1", wsPort: pusherPort, forceTLS: false, enabledTransports: ["ws"], channelAuthorization: { endpoint: "/pusher/auth" } };
  return `<!doctype html>
<html>
  <body>
    <p id="public-state">connecting</p>
    <p id="private-state">connecting</p>
    <ul id="events"></ul>
    <script src="/pusher.min.js"></script>
    <script>
      const pusher = new Pusher(${JSON.stringify(app.key)}, ${JSON.stringify(options)});
      const show = (text) => {
        const item = document.createElement("li");
        item.textContent = text;
        document.getElementById("events").append(item);
      };
      const news = pusher.subscribe("browser-news");
      news.bind("pusher:subscription_succeeded", () => { document.getElementById("public-state").textContent = "subscribed"; });
      news.bind("headline", (data) => show("news: " + data.title));
      const own = pusher.subscribe("private-user-browser");
      own.bind("pusher:subscription_succeeded", () => { document.getElementById("private-state").textContent = "subscribed"; });
      own.bind("pusher:subscription_error", (error) => { document.getElementById("private-state").textContent = "error " + error.status; });
      own.bind("balance-changed", (data) => show("balance: " + data.balance));
    </script>
  </body>
</html>`;
}

async function formBody(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

test.beforeAll(async () => {
  pusherServer = await startPusherServer({ port: 0, ...app });
  const pusherPort = Number(new URL(pusherServer.url).port);
  library = new Pusher({ ...app, host: "127.0.0.1", port: String(pusherPort), useTLS: false });
  const bundle = await readFile(require.resolve("pusher-js/dist/web/pusher.min.js"));

  pageServer = createServer((request, response) => {
    if (request.url === "/pusher.min.js") {
      response.writeHead(200, { "Content-Type": "text/javascript" }).end(bundle);
    } else if (request.url === "/pusher/auth" && request.method === "POST") {
      void formBody(request).then((form) => {
        const auth = library.authorizeChannel(form.get("socket_id") ?? "", form.get("channel_name") ?? "");
        response.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(auth));
      });
    } else {
      response.writeHead(200, { "Content-Type": "text/html" }).end(pageHtml(pusherPort));
    }
  });
  await new Promise<void>((resolve) => pageServer.listen(0, "127.0.0.1", resolve));
  pageUrl = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}/`;
});

test.afterAll(async () => {
  await pusherServer?.close();
  await new Promise((resolve) => (pageServer ? pageServer.close(resolve) : resolve(undefined)));
});

test("pusher-js in Chromium receives events triggered with the pusher library", async ({ page }) => {
  await page.goto(pageUrl);
  await expect(page.locator("#public-state")).toHaveText("subscribed");
  await expect(page.locator("#private-state")).toHaveText("subscribed");

  await library.trigger("browser-news", "headline", { title: "Live from Chromium" });
  await library.trigger("private-user-browser", "balance-changed", { balance: 42 });

  await expect(page.locator("#events li")).toHaveText(["news: Live from Chromium", "balance: 42"]);
});
