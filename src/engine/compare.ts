// Code-point order for ids, names and RFC 3339 time stamps (which sort as text).
// String#localeCompare would build an ICU collator on its first call, ~14 ms of a
// command's or the TUI's start-up, and none of these needs a locale.

/** -1, 0 or 1, as a sort comparator. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
