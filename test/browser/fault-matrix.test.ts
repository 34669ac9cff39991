// The fault matrix: every step × every fault the emulator can inject. For each cell the customer sees
// one clear error, the page hears exactly one mfa-error with the right step/code/retryable, nothing
// rejects unhandled, and where the failure is retryable the session and the typed code survive and a
// retry succeeds once the fault is gone.
import { expect } from '@open-wc/testing';
import type { MfaOtpFlow } from '../../src/element/mfa-otp-flow.js';
import { statusCode } from '../../src/api/status-codes.js';
import type { FaultSpec, Sandbox } from '../support/emulator-client.js';
import { newSandbox } from '../support/emulator-client.js';
import { FlowHarness, MOBILE, mountFlow, mountWithCode, nextTask } from '../support/harness.js';

type Step = 'token' | 'send' | 'resend' | 'verify';
type Fault = { name: string; spec: { type: FaultSpec['type'] } & Record<string, unknown>; code: number | string; retryable: boolean };

const PATH = { token: 'token/generate', send: 'otp/generate', resend: 'otp/generate', verify: 'otp/validate' } as const;
const EVENT_STEP = { token: 'token', send: 'otp', resend: 'otp', verify: 'verify' } as const;

const TRANSPORT: Fault[] = [
  // Chromium re-sends a POST once by itself on a dropped reused connection: drop until cleared.
  { name: 'dropped connection', spec: { type: 'drop', times: -1 }, code: 'network', retryable: true },
  { name: 'no answer before the timeout', spec: { type: 'hang' }, code: 'timeout', retryable: true },
  { name: 'answer slower than the timeout', spec: { type: 'latency', ms: 1500 }, code: 'timeout', retryable: true },
  { name: 'HTTP 500 with HTML', spec: { type: 'http', status: 500 }, code: 500, retryable: true },
  { name: 'HTTP 502 empty body', spec: { type: 'http', status: 502, body: '' }, code: 502, retryable: true },
  { name: '200 not JSON', spec: { type: 'non-json' }, code: 'invalid-response', retryable: true },
  { name: '200 truncated JSON', spec: { type: 'truncated' }, code: 'invalid-response', retryable: true },
  { name: '200 JSON of the wrong shape', spec: { type: 'wrong-shape' }, code: 'invalid-response', retryable: true },
];

const CODES: Record<Step, number[]> = {
  token: [1504, 1515, 1519, 1525, 1529, 1541, 1546, 1508, 1509],
  send: [429, 1503, 1505, 1534, 1508, 1509, 1540, 1541, 606, 874, 875],
  resend: [429, 1534, 1503, 1505],
  verify: [1502, 1505, 1506, 1507, 1508, 1518, 1537, 604, 605, 876, 9001],
};
const codeFault = (code: number): Fault => ({ name: `code ${code}`, spec: { type: 'code', code }, code, retryable: statusCode(code)!.retryable });

let cells = 0;

/** Brings a flow to just before `step`, with the fault armed; returns what the step needs. */
async function arrange(step: Step, sandbox: Sandbox, fault: FaultSpec) {
  if (step === 'token' || step === 'send') {
    await sandbox.fault(fault);
    const mounted = await mountFlow({ sandbox, timeout: 600, resendAfter: 0 });
    return { ...mounted, act: async () => undefined, code: '' };
  }
  const mounted = await mountWithCode({ sandbox, timeout: 600, resendAfter: 0 });
  await sandbox.fault(fault);
  const code = await sandbox.latestCode(MOBILE);
  const act = step === 'resend' ? () => mounted.h.click('resend') : () => mounted.h.type(code);
  return { ...mounted, act, code };
}

async function retryAndSucceed(step: Step, el: MfaOtpFlow, h: FlowHarness, sandbox: Sandbox, kind: string | undefined) {
  await sandbox.clearFaults();
  if (kind === 'invalid-code') {
    // A mistyped code: the customer simply types the right one.
    await h.type(await sandbox.latestCode(MOBILE));
  } else {
    await h.click('retry');
  }
  await h.untilState(step === 'verify' || kind === 'invalid-code' ? 'verified' : 'code-sent');
  expect(el.error).to.equal(null);
}

describe('fault matrix', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (e: PromiseRejectionEvent) => unhandled.push(e.reason);
  before(() => window.addEventListener('unhandledrejection', onUnhandled));
  after(() => {
    window.removeEventListener('unhandledrejection', onUnhandled);
    console.log(`fault matrix: ${cells} cells ran`);
  });

  for (const step of ['token', 'send', 'resend', 'verify'] as Step[]) {
    for (const fault of [...TRANSPORT, ...CODES[step].map(codeFault)]) {
      it(`${step} × ${fault.name}`, async () => {
        const sandbox = await newSandbox();
        const { el, h, act, code } = await arrange(step, sandbox, { path: PATH[step], ...fault.spec } as unknown as FaultSpec);
        const sessionBefore = el.sessionId;
        const error = h.next('mfa-error');
        await act();
        const { detail } = await error;
        expect(detail).to.include({ step: EVENT_STEP[step], code: fault.code, retryable: fault.retryable });
        await el.updateComplete;
        await nextTask(); // nothing else follows
        expect(h.eventsNamed('mfa-error')).to.have.length(1);
        expect(h.errorText).to.contain(detail.message);
        expect(h.errorText.length).to.be.greaterThan(10);
        expect(unhandled).to.deep.equal([]);
        if (fault.retryable) {
          if (step !== 'token' && step !== 'send') expect(el.sessionId).to.equal(sessionBefore);
          if (step === 'verify' && detail.kind !== 'invalid-code') expect(h.input!.value).to.equal(code);
          await retryAndSucceed(step, el, h, sandbox, detail.kind);
        }
        cells++;
      });
    }
  }
});
