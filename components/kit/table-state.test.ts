import { describe, expect, it } from "vitest";
import { ariaSort, filterRows, nextSort, paginationWindow, shownRange, sortRows, tableView } from "./table-state";

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

describe("paginationWindow", () => {
  it.each<[number, number, Array<number | null>]>([
    [1, 1, [1]],
    [1, 3, [1, 2, 3]],
    [1, 10, [1, 2, null, 10]],
    [5, 10, [1, null, 4, 5, 6, null, 10]],
    [10, 10, [1, null, 9, 10]],
    [3, 10, [1, 2, 3, 4, null, 10]],
  ])("page %i of %i", (page, count, expected) => {
    expect(paginationWindow(page, count)).toEqual(expected);
  });
});

describe("shownRange", () => {
  it.each([
    ["no rows", 1, 20, 0, { first: 0, last: 0, pageCount: 1 }],
    ["a short first page", 1, 20, 7, { first: 1, last: 7, pageCount: 1 }],
    ["a full middle page", 2, 20, 45, { first: 21, last: 40, pageCount: 3 }],
    ["the last, partial page", 3, 20, 45, { first: 41, last: 45, pageCount: 3 }],
    ["an exact multiple", 2, 20, 40, { first: 21, last: 40, pageCount: 2 }],
  ] as const)("%s", (_, page, pageSize, total, expected) => {
    expect(shownRange(page, pageSize, total)).toEqual(expected);
  });
});

describe("ariaSort", () => {
  it.each([
    ["unsorted table", null, ["email"], undefined],
    ["sorted by another column", { column: "createdAt", direction: "desc" }, ["displayName", "email"], undefined],
    ["sorted by the column's first field", { column: "displayName", direction: "asc" }, ["displayName", "email"], "ascending"],
    ["sorted by the column's second field", { column: "email", direction: "desc" }, ["displayName", "email"], "descending"],
  ] as const)("%s", (_, sort, fields, expected) => {
    expect(ariaSort(sort, fields)).toBe(expected);
  });
});
