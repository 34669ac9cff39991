/// <reference types="node" />
// The shared table of the vendor's codes (src/api/status-codes.json), held against the element
// contract and the vendor's reference (shared/capillary-mfa-api.md), written out here by hand: the
// client, the emulator and the other tests all read the table, so this is where it is checked.
import { expect } from 'chai';
import { describe, it } from 'node:test';
import table from '../../src/api/status-codes.json';
import { STATUS_CODES, statusCode } from '../../src/api/status-codes.js';

// The contract: "retryable is true when doing the same step again now may succeed: the vendor's
// 'unable to…' codes (1502–1504, 606, 874, 875), a wrong code that can be re-typed (1506, 604, 605, 876)".
const RETRYABLE = [1502, 1503, 1504, 606, 874, 875, 1506, 604, 605, 876];
const NOT_RETRYABLE = [429, 1534, 1505, 1537, 9001, 1515, 1518, 1525, 1529, 1507, 1508, 1509, 1519, 1540, 1541, 1546];
const KIND: Record<string, number[]> = {
  'rate-limited': [429, 1534],
  'session-expired': [1505],
  'code-expired': [1537, 9001],
  'invalid-code': [1506, 604, 605, 876],
  'attempts-exhausted': [1518],
  'reauth-required': [1515, 1525, 1529],
  'integration-mismatch': [1507, 1508, 1509, 1541],
  'bad-input': [1519, 1540, 1546],
  server: [1502, 1503, 1504, 606, 874, 875],
};

describe('the vendor code table', () => {
  it('holds every documented code, and no other', () => {
    expect(Object.keys(STATUS_CODES).map(Number).sort()).to.deep.equal([...RETRYABLE, ...NOT_RETRYABLE].sort());
  });

  it('marks retryable exactly the codes the contract calls retryable', () => {
    for (const code of RETRYABLE) expect(statusCode(code)?.retryable, String(code)).to.equal(true);
    for (const code of NOT_RETRYABLE) expect(statusCode(code)?.retryable, String(code)).to.equal(false);
  });

  it('gives each code the kind the element acts on', () => {
    for (const [kind, codes] of Object.entries(KIND)) {
      for (const code of codes) expect(statusCode(code)?.kind, String(code)).to.equal(kind);
    }
  });

  it('gives the emulator an HTTP status and the vendor’s words for every code, and nothing for others', () => {
    const codes = Object.keys(table.codes).sort();
    expect(Object.keys(table.emulatorHttpStatus).sort()).to.deep.equal(codes);
    expect(Object.keys(table.messages).sort()).to.deep.equal(codes);
    const http = table.emulatorHttpStatus as Record<string, number>;
    expect([1519, 1540, 1546].map((c) => http[c])).to.deep.equal([400, 400, 400]);
    expect([http[429], http[1505], http[1534], http[1506]]).to.deep.equal([429, 401, 200, 200]);
  });

  it('knows nothing of an undocumented code, nor of inherited keys', () => {
    expect(statusCode(4242)).to.equal(undefined);
    expect(statusCode('constructor' as unknown as number)).to.equal(undefined);
  });
});
