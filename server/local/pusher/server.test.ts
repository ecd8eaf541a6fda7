import { spawn } from "node:child_process";
import { connect } from "node:net";
import path from "node:path";
import { createInterface } from "node:readline";
import { expect, it } from "vitest";
import { connectClient, nextEvent, RawClient, serverLibrary, startTestServer } from "./testing";

function tcpConnect(host: string, port: number): Promise<"connected" | string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

it("listens on 127.0.0.1 only, WebSocket and HTTP API on the same port", async () => {
  const server = await startTestServer();
  try {
    const { hostname, port } = new URL(server.url);
    expect(hostname).toBe("127.0.0.1");
    expect(await tcpConnect("127.0.0.1", Number(port))).toBe("connected");
    // All of 127/8 is loopback on Linux: a server bound to 0.0.0.0 would accept this, one bound to 127.0.0.1 not.
    expect(await tcpConnect("127.0.0.2", Number(port))).toBe("ECONNREFUSED");

    const socket = RawClient.connect(server);
    await socket.established();
    socket.close();
    expect(await (await fetch(server.url)).text()).toBe("OK");
  } finally {
    await server.close();
  }
});

it("names the Pusher server and the port when the port is taken", async () => {
  const first = await startTestServer();
  const port = Number(new URL(first.url).port);
  try {
    await expect(startTestServer({ port })).rejects.toThrow(new RegExp(`Pusher server .*127\\.0\\.0\\.1:${port}.*port ${port} is already in use`));
  } finally {
    await first.close();
  }
});

it("closes connected clients with 4200 (reconnect) and releases the port on close", async () => {
  const server = await startTestServer();
  const port = Number(new URL(server.url).port);
  const socket = RawClient.connect(server);
  await socket.established();
  const client = connectClient(server);
  await nextEvent(client.subscribe("news"), "pusher:subscription_succeeded");
  await serverLibrary(server).get({ path: "/channels" });

  await server.close();
  expect((await socket.closed).code).toBe(4200);
  client.disconnect();
  const again = await startTestServer({ port });
  await again.close();
});

function runMain(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "main.ts")], {
    env: { ...process.env, PUSHER_APP_ID: "main-app", PUSHER_KEY: "main-key", PUSHER_SECRET: "main-secret", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => {
    child.once("exit", (code) => resolve({ code, stderr }));
  });
  const listening = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on("line", (line) => {
      if (line.startsWith("Pusher server listening")) resolve(line);
    });
    void exited.then(({ code }) => reject(new Error(`main.ts exited with ${code} before listening: ${stderr}`)));
  });
  return { child, exited, listening };
}

// Starting tsx in a child process can take a few seconds on a busy machine.
it("runs as `npm run local:pusher` and stops cleanly on SIGTERM", { timeout: 30_000 }, async () => {
  const { child, exited, listening } = runMain({ PORT: "0" });
  try {
    const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(await listening)?.[1];
    expect(url).toBeDefined();
    expect(await (await fetch(`${url}/`)).text()).toBe("OK");
  } finally {
    child.kill("SIGTERM");
  }
  expect((await exited).code).toBe(0);
});

it("exits with a message naming the Pusher server and port when PORT is taken", { timeout: 30_000 }, async () => {
  const occupant = await startTestServer();
  try {
    const port = new URL(occupant.url).port;
    const { listening } = runMain({ PORT: port });
    await expect(listening).rejects.toThrow(
      `main.ts exited with 1 before listening: Pusher server cannot listen on 127.0.0.1:${port}: port ${port} is already in use`,
    );
  } finally {
    await occupant.close();
  }
});
