// Every default string, both groups (strings.ts, api-error-strings.ts): the starting point of a
// translation. The element itself never imports this, so the standalone bundle does not carry the
// API error texts in its first chunk.
import { API_ERROR_STRINGS } from './api-error-strings.js';
import { FIRST_STRINGS, type MfaStrings } from './strings.js';

export const DEFAULT_STRINGS: MfaStrings = { ...FIRST_STRINGS, ...API_ERROR_STRINGS };
