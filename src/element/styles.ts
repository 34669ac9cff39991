import { css } from 'lit';

// Public theming surface: --mfa-otp-* custom properties (documented in the README and the class
// JSDoc). Internal --_x variables hold the resolved value so dark mode only swaps defaults and a
// page's own value always wins.
export const styles = css`
  :host {
    /* Every browser that runs the element (ES2022) has system-ui but Firefox 90–91. */
    --_font: var(--mfa-otp-font, system-ui, sans-serif);
    --_text: var(--mfa-otp-color, #1d1d1f);
    --_muted: var(--mfa-otp-muted-color, #5b5b66);
    --_bg: var(--mfa-otp-background, #ffffff);
    --_field-bg: var(--mfa-otp-field-background, #ffffff);
    --_border: var(--mfa-otp-border-color, #8a8a96);
    --_accent: var(--mfa-otp-accent, #2456d6);
    --_accent-text: var(--mfa-otp-accent-contrast, #ffffff);
    --_error: var(--mfa-otp-error-color, #b3261e);
    --_success: var(--mfa-otp-success-color, #1b7f3b);
    --_focus: var(--mfa-otp-focus-ring, 0 0 0 3px rgb(36 86 214 / 45%));
    --_radius: var(--mfa-otp-radius, 10px);
    --_space: var(--mfa-otp-spacing, 16px);
    --_code-size: var(--mfa-otp-code-font-size, 1.75rem);

    display: block;
    position: relative;
    box-sizing: border-box;
    max-width: var(--mfa-otp-max-width, 26rem);
    padding: var(--_space);
    font-family: var(--_font);
    color: var(--_text);
    background: var(--_bg);
    border-radius: var(--_radius);
    line-height: 1.45;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_text: var(--mfa-otp-color, #f2f2f7);
      --_muted: var(--mfa-otp-muted-color, #b4b4c0);
      --_bg: var(--mfa-otp-background, #1c1c1e);
      --_field-bg: var(--mfa-otp-field-background, #2c2c2e);
      --_border: var(--mfa-otp-border-color, #8e8e98);
      --_accent: var(--mfa-otp-accent, #7fa6ff);
      --_accent-text: var(--mfa-otp-accent-contrast, #0b1533);
      --_error: var(--mfa-otp-error-color, #ffb4ab);
      --_success: var(--mfa-otp-success-color, #7bd88f);
    }
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  h2 {
    margin: 0 0 calc(var(--_space) / 2);
    font-size: 1.2rem;
    font-weight: 600;
  }
  p {
    margin: 0 0 calc(var(--_space) / 2);
  }
  .hint,
  [part='status'] {
    color: var(--_muted);
  }
  form {
    margin-block: calc(var(--_space) / 2);
  }
  label {
    display: block;
    font-weight: 600;
    font-size: 0.9rem;
  }
  form .hint {
    margin: 2px 0 6px;
    font-size: 0.9rem;
  }
  .entry {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--_space) / 2);
    align-items: stretch;
  }
  input {
    flex: 1 1 9rem;
    min-width: 0;
    padding: 10px 12px;
    font: inherit;
    font-size: var(--_code-size);
    font-variant-numeric: tabular-nums;
    letter-spacing: 0.3em;
    color: var(--_text);
    background: var(--_field-bg);
    border: 1.5px solid var(--_border);
    border-radius: var(--_radius);
    /* Digits stay in reading order in RTL pages: the field itself is always LTR. */
    direction: ltr;
    text-align: start;
  }
  input[aria-invalid='true'] {
    border-color: var(--_error);
  }
  button {
    font: inherit;
    font-weight: 600;
    padding: 10px 18px;
    border-radius: var(--_radius);
    border: 1.5px solid var(--_accent);
    cursor: pointer;
    min-height: 44px;
  }
  .primary {
    background: var(--_accent);
    color: var(--_accent-text);
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.55;
  }
  input:focus-visible,
  button:focus-visible {
    outline: 2px solid transparent;
    box-shadow: var(--_focus);
  }
  [part='error'] {
    color: var(--_error);
    font-weight: 500;
    margin-block: calc(var(--_space) / 2);
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--_space) / 2);
    align-items: center;
    margin-top: calc(var(--_space) / 2);
  }
  /* "Didn't get a code? Resend in 0:28": one line, one control. */
  .resend {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    column-gap: 0.25em;
    margin: calc(var(--_space) / 2) 0 0;
    font-size: 0.95rem;
    color: var(--_muted);
  }
  .link {
    padding-inline: 2px;
    border-color: transparent;
    background: transparent;
    color: var(--_accent);
    text-decoration: underline;
    text-underline-offset: 0.15em;
  }
  .link:disabled {
    /* The wait reads as information, not as a broken button. */
    opacity: 1;
    color: var(--_muted);
    text-decoration: none;
    font-variant-numeric: tabular-nums;
  }
  [part='error']:focus {
    outline: none;
  }
  [part='error']:focus-visible {
    outline: 2px solid var(--_error);
    outline-offset: 2px;
  }
  input[readonly] {
    opacity: 0.75;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }
  .verified {
    color: var(--_success);
    font-weight: 600;
  }
  .spinner {
    display: inline-block;
    width: 1em;
    height: 1em;
    margin-inline-end: 0.5em;
    vertical-align: -0.15em;
    border: 2px solid currentColor;
    border-inline-end-color: transparent;
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation: none;
      border-inline-end-color: currentColor;
      opacity: 0.6;
    }
  }
`;
