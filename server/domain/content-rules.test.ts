import { describe, expect, it } from "vitest";
import {
  type AccessFacts,
  MAX_CONTENT_PRICE,
  cleanFileName,
  contentAccess,
  contentFieldsSchema,
  contentPriceSchema,
  formatByteSize,
  membersOnlyProblem,
  publishProblem,
  removalProblem,
  unlockRefusal,
  uploadProblem,
} from "./content-rules";

describe("contentPriceSchema", () => {
  it.each([1n, 25n, MAX_CONTENT_PRICE])("accepts %s credits", (price) => {
    expect(contentPriceSchema.parse(price)).toBe(price);
  });

  it.each([
    [0n, "A price is at least 1 credit."],
    [-5n, "A price is at least 1 credit."],
    [MAX_CONTENT_PRICE + 1n, "A price is at most 50,000 credits."],
    [10n ** 20n, "A price is at most 50,000 credits."],
  ])("refuses %s credits with a clear message", (price, message) => {
    const result = contentPriceSchema.safeParse(price);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(message);
  });

  it("refuses a number that is not a whole credit amount", () => {
    expect(contentPriceSchema.safeParse(12.5).error?.issues[0]?.message).toBe("Enter a price in whole credits.");
  });
});

describe("contentFieldsSchema", () => {
  const valid = { title: "  Moonlight set  ", price: 40n };
  it("trims text and fills defaults", () => {
    expect(contentFieldsSchema.parse(valid)).toEqual({
      title: "Moonlight set",
      description: "",
      teaser: "",
      body: "",
      price: 40n,
      planId: null,
      membersOnly: false,
    });
  });

  it.each([
    ["a blank title", { title: "   " }, "Give the item a title."],
    ["a long title", { title: "x".repeat(121) }, "A title is at most 120 characters."],
    ["a long teaser", { teaser: "x".repeat(501) }, "A teaser is at most 500 characters."],
    ["a plan id that is not an id", { planId: "gold" }, "Choose a plan from the list."],
  ])("refuses %s", (_name, override, message) => {
    expect(contentFieldsSchema.safeParse({ ...valid, ...override }).error?.issues[0]?.message).toBe(message);
  });

  it("wants a plan for a members-only item", () => {
    expect(membersOnlyProblem({ planId: null, membersOnly: true })).toBe("Choose the plan whose members may get this item.");
    expect(membersOnlyProblem({ planId: "5b0e3c1e-8f0e-4a53-9a3e-0c4b9a1f2d11", membersOnly: true })).toBeNull();
    expect(membersOnlyProblem({ planId: null, membersOnly: false })).toBeNull();
  });
});

describe("uploadProblem", () => {
  it.each([
    // kind, role, media, files already there, problem
    ["VIDEO", "PROTECTED", "video", 0, null],
    ["VIDEO", "PROTECTED", "video", 1, "This item already has its file; delete it to upload another."],
    ["VIDEO", "PROTECTED", "image", 0, "This item takes a video (MP4 or WebM)."],
    ["VIDEO", "TEASER", "image", 0, null],
    ["VIDEO", "TEASER", "image", 1, null],
    ["VIDEO", "TEASER", "video", 0, "A teaser must be an image (JPEG, PNG, GIF or WebP)."],
    ["PICTURES", "PROTECTED", "image", 49, null],
    ["PICTURES", "PROTECTED", "image", 50, "An item holds at most 50 files."],
    ["PICTURES", "PROTECTED", "video", 0, "This item takes an image (JPEG, PNG, GIF or WebP)."],
    ["POST", "PROTECTED", "image", 9, null],
    ["POST", "PROTECTED", "image", 10, "An item holds at most 10 files."],
    ["ROOM_ACCESS", "PROTECTED", "image", 0, "This kind of item has no files to upload."],
    ["ROOM_ACCESS", "TEASER", "image", 0, null],
  ] as const)("%s %s %s with %i already: %s", (kind, role, media, existing, problem) => {
    expect(uploadProblem(kind, role, media, existing)).toBe(problem);
  });
});

describe("publishProblem and removalProblem", () => {
  it.each([
    [{ kind: "VIDEO", body: "", protectedFiles: 0 }, "Upload the video before publishing."],
    [{ kind: "VIDEO", body: "", protectedFiles: 1 }, null],
    [{ kind: "PICTURES", body: "", protectedFiles: 0 }, "Upload at least one picture before publishing."],
    [{ kind: "PICTURES", body: "", protectedFiles: 3 }, null],
    [{ kind: "POST", body: "  ", protectedFiles: 2 }, "Write the post before publishing."],
    [{ kind: "POST", body: "Hello", protectedFiles: 0 }, null],
    [{ kind: "ROOM_ACCESS", body: "", protectedFiles: 0 }, null],
  ] as const)("publishing %o: %s", (item, problem) => {
    expect(publishProblem(item)).toBe(problem);
  });

  it.each([
    [{ kind: "VIDEO", status: "PUBLISHED", protectedFiles: 1 }, true],
    [{ kind: "PICTURES", status: "PUBLISHED", protectedFiles: 1 }, true],
    [{ kind: "PICTURES", status: "PUBLISHED", protectedFiles: 2 }, false],
    [{ kind: "VIDEO", status: "DRAFT", protectedFiles: 1 }, false],
    [{ kind: "VIDEO", status: "ARCHIVED", protectedFiles: 1 }, false],
    [{ kind: "POST", status: "PUBLISHED", protectedFiles: 1 }, false],
  ] as const)("removing a file of %o refused: %s", (item, refused) => {
    expect(removalProblem(item) !== null).toBe(refused);
  });
});

describe("contentAccess and unlockRefusal", () => {
  const nobody: AccessFacts = { isOwner: false, isAdmin: false, unlocked: false, planAccess: false, status: "PUBLISHED" };
  const item = { title: "Moonlight", membersOnly: false, planName: "Inner Circle" };

  it.each([
    ["a stranger", nobody, null],
    ["the owner, even of a draft", { ...nobody, isOwner: true, status: "DRAFT" }, "owner"],
    ["an admin", { ...nobody, isAdmin: true, status: "DRAFT" }, "admin"],
    ["a buyer", { ...nobody, unlocked: true }, "unlocked"],
    ["a buyer of an archived item", { ...nobody, unlocked: true, status: "ARCHIVED" }, "unlocked"],
    ["a plan member", { ...nobody, planAccess: true }, "membership"],
    ["a plan member of an archived item", { ...nobody, planAccess: true, status: "ARCHIVED" }, null],
    ["a plan member of a draft", { ...nobody, planAccess: true, status: "DRAFT" }, null],
  ] as const)("%s: %s", (_name, facts, access) => {
    expect(contentAccess(facts)).toBe(access);
  });

  it.each([
    ["a stranger may buy", nobody, {}, null],
    ["the owner", { ...nobody, isOwner: true }, {}, { code: "FORBIDDEN", message: "This is your own item." }],
    ["a buyer again", { ...nobody, unlocked: true }, {}, { code: "CONFLICT", message: "You already unlocked “Moonlight”; it is in your library." }],
    [
      "a plan member",
      { ...nobody, planAccess: true },
      {},
      { code: "CONFLICT", message: "“Moonlight” comes with your Inner Circle membership, so there is nothing to pay." },
    ],
    ["anyone, for an archived item", { ...nobody, status: "ARCHIVED" }, {}, { code: "PRECONDITION_FAILED", message: "“Moonlight” is not on sale." }],
    [
      "a non-member, for a members-only item",
      nobody,
      { membersOnly: true },
      { code: "FORBIDDEN", message: "Only members of Inner Circle can get “Moonlight”." },
    ],
  ] as const)("%s", (_name, facts, override, refusal) => {
    expect(unlockRefusal({ ...facts, ...item, ...override })).toEqual(refusal);
  });
});

describe("cleanFileName and formatByteSize", () => {
  it.each([
    ["holiday.jpg", "holiday.jpg"],
    ["C:\\Users\\luna\\clip.webm", "clip.webm"],
    ["../../etc/passwd", "passwd"],
    ["bad\u0000na\u001fme.png", "badname.png"],
    ["   ", "file"],
    ["x".repeat(300), "x".repeat(200)],
  ])("%j -> %j", (name, cleaned) => {
    expect(cleanFileName(name)).toBe(cleaned);
  });

  it.each([
    [0, "0 bytes"],
    [1023, "1023 bytes"],
    [1536, "1.5 KB"],
    [200 * 1024 * 1024, "200 MB"],
    [5 * 1024 ** 3, "5 GB"],
  ])("%i bytes read as %s", (bytes, text) => {
    expect(formatByteSize(bytes)).toBe(text);
  });
});
