/**
 * CSV for spreadsheets (RFC 4180). Every export goes through here, so none of them can hand a spreadsheet a
 * formula: text starting with =, +, -, @, a tab or a carriage return is prefixed with an apostrophe.
 */

/** One field: quoted when it holds a comma, quote or line break; defused when it would start a formula. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A whole file: a header line, then the rows, CRLF line ends, and a byte-order mark so Excel reads UTF-8. */
export function csvDocument(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = [header, ...rows].map((fields) => fields.map(csvCell).join(","));
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}
