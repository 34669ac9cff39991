// @ts-check
// Reads a fetch Response once into what Node tests assert on (shared by the emulator and proxy tests).

/** @typedef {{ status: number, headers: Headers, text: string, json: any }} Answer */

/** @param {Response} res @returns {Promise<Answer>} */
export async function answer(res) {
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: callers that expect JSON fail on json being null
  }
  return { status: res.status, headers: res.headers, text, json };
}
