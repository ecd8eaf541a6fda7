import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "@/server/auth/password";

describe("password hashing", () => {
  it("stores argon2id with a fresh salt and verifies only the right password", async () => {
    const [first, second] = await Promise.all([hashPassword("tipmeter-demo"), hashPassword("tipmeter-demo")]);
    expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(first).not.toBe(second);
    expect(await verifyPassword(first, "tipmeter-demo")).toBe(true);
    expect(await verifyPassword(first, "tipmeter-dem0")).toBe(false);
  });

  it("treats a malformed stored hash as a mismatch", async () => {
    expect(await verifyPassword("not-a-real-hash", "anything")).toBe(false);
  });
});
