import { describe, expect, it } from "vitest";
import { filterRows, nextSort, sortRows, tableView } from "./table-state";

interface Row {
  name: string;
  price: bigint;
  stock: number | null;
}

const rows: Row[] = [
  { name: "Poster", price: 150n, stock: 3 },
  { name: "Élan mug", price: 40n, stock: null },
  { name: "poster 2", price: 150n, stock: 0 },
  { name: "T-shirt", price: 1_000n, stock: 10 },
];
const names = (list: Row[]) => list.map((row) => row.name);

describe("sortRows", () => {
  it.each([
    ["name ascending, ignoring case and accents, numbers in order", (row: Row) => row.name, "asc", ["Élan mug", "Poster", "poster 2", "T-shirt"]],
    ["bigint descending, equal prices keep the server's order", (row: Row) => row.price, "desc", ["T-shirt", "Poster", "poster 2", "Élan mug"]],
    ["missing values last ascending", (row: Row) => row.stock, "asc", ["poster 2", "Poster", "T-shirt", "Élan mug"]],
    ["missing values last descending too", (row: Row) => row.stock, "desc", ["T-shirt", "Poster", "poster 2", "Élan mug"]],
  ] as const)("%s", (_, value, direction, expected) => {
    expect(names(sortRows(rows, value, direction))).toEqual(expected);
  });
});

describe("filterRows", () => {
  it.each([
    ["", ["Poster", "Élan mug", "poster 2", "T-shirt"]],
    ["POSTER", ["Poster", "poster 2"]],
    ["elan", ["Élan mug"]],
    ["poster 2", ["poster 2"]],
    ["nothing like it", []],
  ])("%j keeps %j", (query, expected) => {
    expect(names(filterRows(rows, (row) => row.name, query))).toEqual(expected);
  });
});

describe("nextSort", () => {
  it("cycles ascending, descending, then the server's order; another column starts ascending", () => {
    const first = nextSort(null, "name");
    expect(first).toEqual({ column: "name", direction: "asc" });
    const second = nextSort(first, "name");
    expect(second).toEqual({ column: "name", direction: "desc" });
    expect(nextSort(second, "name")).toBeNull();
    expect(nextSort(second, "price")).toEqual({ column: "price", direction: "asc" });
  });
});

describe("tableView", () => {
  const base = { query: "", sort: null, page: 1, pageSize: 2, filterText: (row: Row) => row.name, sortValue: () => (row: Row) => row.price };

  it("cuts pages after filtering and sorting", () => {
    const view = tableView(rows, { ...base, sort: { column: "price", direction: "asc" }, page: 2 });
    expect(names(view.rows)).toEqual(["poster 2", "T-shirt"]);
    expect(view).toMatchObject({ matching: 4, page: 2, pageCount: 2 });
  });

  it("keeps the page in range when a filter shortens the list", () => {
    const view = tableView(rows, { ...base, query: "mug", page: 2 });
    expect(names(view.rows)).toEqual(["Élan mug"]);
    expect(view).toMatchObject({ matching: 1, page: 1, pageCount: 1 });
  });

  it("has one empty page when nothing matches", () => {
    expect(tableView(rows, { ...base, query: "zzz" })).toMatchObject({ rows: [], matching: 0, page: 1, pageCount: 1 });
  });
});
