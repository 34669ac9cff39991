// Checks the element's inputs before any request (element contract, "Inputs"). Pure: no DOM.
import { IDENTIFIER_TYPES, type IdentifierType } from '../api/types.js';

export type FlowMode = 'verify' | 'send';

/** What the element hands over when the flow starts: raw attribute/property values. */
export interface RawInputs {
  baseUrl: unknown;
  brand: unknown;
  identifierType: unknown;
  identifierValue: unknown;
  authorizedToken: unknown;
  otpLength: unknown;
  resendAfter: unknown;
  mode: unknown;
  timeout: unknown;
}

export interface FlowConfig {
  baseUrl: string;
  brand: string;
  identifierType: IdentifierType;
  /** As sent to the API: MOBILE reduced to digits, others trimmed. */
  identifierValue: string;
  authorizedToken: string;
  otpLength: number;
  resendAfterMs: number;
  mode: FlowMode;
  timeoutMs: number;
}

export type ConfigResult = { ok: true; config: FlowConfig } | { ok: false; problem: string };

// A loose check on purpose: the vendor validates for real; we only catch typos before a request.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MOBILE_NOISE = /[\s\-.()]/g;

/** MOBILE values go out as digits only; returns null when they are not 6–15 digits. */
export function normalizeMobile(value: string): string | null {
  const digits = value.trim().replace(MOBILE_NOISE, '').replace(/^\+/, '');
  return /^\d{6,15}$/.test(digits) ? digits : null;
}

function normalizeIdentifier(type: IdentifierType, raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  if (type === 'MOBILE') return normalizeMobile(raw);
  const value = raw.trim();
  if (type === 'EMAIL') return EMAIL.test(value) ? value : null;
  return value === '' ? null : value;
}

function wholeNumber(raw: unknown, min: number, max: number): number | null {
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  return typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max ? n : null;
}

export function checkInputs(raw: RawInputs): ConfigResult {
  const fail = (problem: string): ConfigResult => ({ ok: false, problem });

  const brand = typeof raw.brand === 'string' ? raw.brand.trim() : '';
  if (!brand) return fail('the "brand" attribute is missing.');

  const type = typeof raw.identifierType === 'string' ? raw.identifierType.trim().toUpperCase() : '';
  if (!(IDENTIFIER_TYPES as readonly string[]).includes(type)) {
    return fail(`"identifier-type" must be one of ${IDENTIFIER_TYPES.join(', ')}.`);
  }
  const identifierType = type as IdentifierType;

  const identifierValue = normalizeIdentifier(identifierType, raw.identifierValue);
  if (identifierValue === null) {
    const expected =
      identifierType === 'MOBILE'
        ? 'a mobile number of 6–15 digits'
        : identifierType === 'EMAIL'
          ? 'an email address'
          : 'a non-empty value';
    return fail(`"identifier-value" must be ${expected}.`);
  }

  const otpLength = wholeNumber(raw.otpLength, 4, 12);
  if (otpLength === null) return fail('"otp-length" must be a whole number from 4 to 12.');

  const resendAfter = wholeNumber(raw.resendAfter, 0, 3600);
  if (resendAfter === null) return fail('"resend-after" must be a whole number of seconds (0–3600).');

  const timeoutMs = wholeNumber(raw.timeout, 100, 120_000);
  if (timeoutMs === null) return fail('"timeout" must be a whole number of milliseconds (100–120000).');

  if (raw.mode !== 'verify' && raw.mode !== 'send') return fail('"mode" must be "verify" or "send".');

  if (typeof raw.baseUrl !== 'string') return fail('"base-url" must be a URL or empty.');
  const baseUrl = raw.baseUrl.trim().replace(/\/+$/, '');

  if (typeof raw.authorizedToken !== 'string' || raw.authorizedToken.trim() === '') {
    return fail('the authorizedToken property (the first-factor token) is not set.');
  }

  return {
    ok: true,
    config: {
      baseUrl,
      brand,
      identifierType,
      identifierValue,
      authorizedToken: raw.authorizedToken.trim(),
      otpLength,
      resendAfterMs: resendAfter * 1000,
      mode: raw.mode,
      timeoutMs,
    },
  };
}
