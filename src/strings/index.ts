// The strings entry (`mfa-otp-flow/strings`): the default texts and the translation helper, without
// the element, so that a page can build its translations without loading the widget.
export { DEFAULT_STRINGS, defineStrings, format, type MfaStrings, type StringKey, type PlaceholdersOf, type StringValues } from './strings.js';
