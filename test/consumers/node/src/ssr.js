// Server rendering with @lit-labs/ssr: the element renders to declarative shadow DOM in Node.
// Prints the HTML; the consumer test checks it.
import { render } from '@lit-labs/ssr';
import { collectResult } from '@lit-labs/ssr/lib/render-result.js';
import { html } from 'lit';
import 'mfa-otp-flow/define';

const page = html`<mfa-otp-flow brand="Bukl" identifier-value="18795774754" manual></mfa-otp-flow>`;
process.stdout.write(await collectResult(render(page)));
