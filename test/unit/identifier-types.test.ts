/// <reference types="node" />
// The vendor's identifier types are written twice, once per side that cannot import the other: the
// client's (src/api/types.ts, in the browser bundle) and the Node side's (proxy/fields.js, shipped as
// mfa-otp-flow/server, whose list the emulator imports). Here the two are held equal.
import { expect } from 'chai';
import { it } from 'node:test';
import { IDENTIFIER_TYPES as CLIENT } from '../../src/api/types.js';
import { IDENTIFIER_TYPES as SERVER } from '../../proxy/fields.js';

it('the forwarding server (and so the emulator) allows exactly the client identifier types', () => {
  expect([...SERVER]).to.deep.equal([...CLIENT]);
});
