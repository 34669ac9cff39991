// Digits of any script, read as ASCII: a customer whose keyboard (or SMS app, or autofill) writes
// Arabic-Indic ١٢٣, Persian ۱۲۳, Devanagari १२३ or full-width １２３ means 123. Pure: no DOM.

const DECIMAL = /^\p{Nd}$/u;

/**
 * The value (0–9) of a Unicode decimal digit, or null for anything else.
 *
 * Unicode assigns Nd characters only in contiguous runs of ten, 0 to 9 (a stability policy), but
 * some runs touch (the five mathematical digit sets, U+1D7CE–U+1D7FF, are one block of fifty). So
 * the value is the distance from the start of the whole contiguous Nd stretch, modulo ten: no list
 * of scripts to keep up to date.
 */
export function digitValue(char: string): number | null {
  const cp = char.codePointAt(0);
  if (cp === undefined || !DECIMAL.test(char)) return null;
  if (cp >= 0x30 && cp <= 0x39) return cp - 0x30;
  let start = cp;
  while (start > 0 && DECIMAL.test(String.fromCodePoint(start - 1))) start--;
  return (cp - start) % 10;
}

/** The text with every decimal digit of any script written as its ASCII digit; the rest unchanged. */
export function asciiDigits(text: string): string {
  let out = '';
  for (const char of text) {
    const value = digitValue(char);
    out += value === null ? char : String(value);
  }
  return out;
}

/** Only the digits of the text (any script), as ASCII: "Code: ١٢٣ ٤٥٦" → "123456". */
export function digitsOnly(text: string): string {
  let out = '';
  for (const char of text) {
    const value = digitValue(char);
    if (value !== null) out += String(value);
  }
  return out;
}
