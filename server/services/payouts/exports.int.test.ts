import { randomUUID } from "node:crypto";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GET } from "@/app/api/admin/withdrawals/export/route";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import { fundUser } from "@/server/testing/factories";
import { parseCsv } from "@/server/testing/csv";
import { routeRequestAs } from "@/server/testing/session-cookie";
import { configurePayouts, readyToWithdraw } from "@/server/testing/payouts";
import { callerAs, expectLedgerInvariantsHold } from "@/server/testing/api";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";

vi.mock("@/server/integrations/email", () => ({ sendEmail: async () => undefined }));
vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: (await import("@/server/testing/pusher")).pusherServerCalling(async () => ({})),
}));

let admin: SessionUser;
let performer: SessionUser;
let paidId: string;
let rejectedId: string;

async function download(user: SessionUser | null, query: string): Promise<Response> {
  return GET(await routeRequestAs(user, `http://127.0.0.1:3000/api/admin/withdrawals/export?${query}`));
}

beforeAll(async () => {
  admin = await makeAdmin();
  await configurePayouts(admin);
  performer = await makePerformer(admin, 'Exporter, "The" Star');
  await readyToWithdraw(performer);
  await fundUser(pool, performer.id, 10_000n, "earnings");
  const request = (credits: bigint) => callerAs(performer).payouts.withdrawals.request({ credits, idempotencyKey: randomUUID() });
  paidId = (await request(1_000n)).withdrawal.id;
  await callerAs(admin).payouts.admin.approve({ id: paidId });
  await callerAs(admin).payouts.admin.markPaid({ id: paidId, reference: "PP-1, batch 7" });
  rejectedId = (await request(333n)).withdrawal.id;
  await callerAs(admin).payouts.admin.reject({ id: rejectedId, reason: "=HYPERLINK(\"http://evil.test\")" });
  await request(2_000n);
});

afterAll(async () => {
  await expectLedgerInvariantsHold();
  await closeDb();
});

describe("exporting withdrawals", () => {
  it("is for admins only", async () => {
    const member = await makeMember();
    expect((await download(null, "format=csv")).status).toBe(401);
    expect((await download(member, "format=csv")).status).toBe(403);
    expect((await download(performer, "format=xlsx")).status).toBe(403);
    expect((await download(admin, "format=pdf")).status).toBe(400);
    expect((await download(admin, "format=csv&status=NOPE")).status).toBe(400);
  });

  it("writes the filtered requests as CSV with exact decimal amounts, quoting and defusing text", async () => {
    const response = await download(admin, `format=csv&performer=${encodeURIComponent(performer.username)}&status=`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="withdrawals-\d{4}-\d{2}-\d{2}\.csv"$/);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = parseCsv(new TextDecoder().decode(bytes));
    expect(header?.slice(0, 3)).toEqual(["Withdrawal ID", "Requested at", "Last change"]);
    expect(rows).toHaveLength(3);
    const byId = new Map(rows.map((row) => [row[0], row]));
    expect(byId.get(paidId)?.slice(3)).toEqual([
      'Exporter, "The" Star',
      performer.username,
      performer.email,
      "PayPal",
      "Paid",
      "Earnings",
      "CRD",
      "1000",
      "USD",
      "50.00",
      "1.30",
      "48.70",
      "PP-1, batch 7",
      "",
    ]);
    expect(byId.get(rejectedId)?.slice(12, 15)).toEqual(["16.65", "0.64", "16.01"]);
    expect(byId.get(rejectedId)?.at(-1)).toBe("'=HYPERLINK(\"http://evil.test\")");
    expect(new Date(byId.get(paidId)?.[1] ?? "").getTime()).not.toBeNaN();

    const paidOnly = parseCsv(await (await download(admin, `format=csv&status=PAID&performer=${performer.username}`)).text());
    expect(paidOnly.slice(1).map((row) => row[0])).toEqual([paidId]);
    const { rows: audit } = await pool.query("SELECT details FROM audit_log WHERE action = 'withdrawals.exported' AND actor_id = $1", [admin.id]);
    expect(audit.length).toBeGreaterThanOrEqual(2);
  });

  it("writes a real .xlsx whose cells are typed: dates, numbers, money in the currency's format", async () => {
    const response = await download(admin, `format=xlsx&performer=${encodeURIComponent(performer.username)}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const sheet = workbook.getWorksheet("Withdrawals");
    expect(sheet?.rowCount).toBe(4);
    const header = sheet?.getRow(1).values as unknown[];
    expect(header.slice(1, 4)).toEqual(["Withdrawal ID", "Requested at", "Last change"]);

    const rows = Array.from({ length: 3 }, (_, index) => sheet?.getRow(index + 2));
    const paid = rows.find((row) => row?.getCell(1).value === paidId);
    expect(paid?.getCell(2).type).toBe(ExcelJS.ValueType.Date);
    expect(paid?.getCell(2).value).toBeInstanceOf(Date);
    expect(paid?.getCell(2).numFmt).toBe("yyyy-mm-dd hh:mm:ss");
    expect([paid?.getCell(9).value, paid?.getCell(10).value]).toEqual(["Earnings", "CRD"]);
    expect(paid?.getCell(11).type).toBe(ExcelJS.ValueType.Number);
    expect(paid?.getCell(11).value).toBe(1_000);
    for (const [column, amount] of [
      [13, 50],
      [14, 1.3],
      [15, 48.7],
    ] as const) {
      expect(paid?.getCell(column).type).toBe(ExcelJS.ValueType.Number);
      expect(paid?.getCell(column).value).toBe(amount);
      expect(paid?.getCell(column).numFmt).toBe('"$"#,##0.00');
    }
    expect(paid?.getCell(8).value).toBe("Paid");
    expect(paid?.getCell(16).value).toBe("PP-1, batch 7");
    const rejected = rows.find((row) => row?.getCell(1).value === rejectedId);
    expect(rejected?.getCell(17).type).toBe(ExcelJS.ValueType.String);
    expect(rejected?.getCell(15).value).toBe(16.01);
  });
});
