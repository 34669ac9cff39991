// One request per intent, however often it is asked for; reset() and removal silence what was in
// flight (element contract, "Guarantees"). Requests are counted through the injectable `el.fetch`.
import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { newSandbox, type Endpoint } from '../support/emulator-client.js';
import { MOBILE, mountFlow, mountWithCode, nextTask, type FlowHarness } from '../support/harness.js';
import type { MfaOtpFlow } from '../../src/element/mfa-otp-flow.js';
import type { FlowStatus } from '../../src/element/events.js';

const LATENCY = 300;

/**
 * Wraps window.fetch as the element's transport; returns the request paths it saw and the answers
 * still on their way. The answers arrive even after an abort (the wrapper does not pass the signal
 * on, as some injected transports do not), so a test can wait for every late answer to land and then
 * check that it changed nothing.
 */
function countRequests(el: MfaOtpFlow): string[] & { answers: Promise<unknown>[] } {
  const seen = Object.assign([] as string[], { answers: [] as Promise<unknown>[] });
  el.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    seen.push(new URL(url, location.href).pathname);
    const answer = window.fetch(input, { ...init, signal: null });
    seen.answers.push(answer.then((r) => r.clone().text()));
    return answer;
  };
  return seen;
}

/** Every answer the element asked for has arrived, and whatever it led to has run. */
async function allAnswered(el: MfaOtpFlow, seen: { answers: Promise<unknown>[] }): Promise<void> {
  await Promise.allSettled(seen.answers);
  await nextTask();
  await el.updateComplete;
}
const hits = (seen: string[], endpoint: string) => seen.filter((p) => p.endsWith(`/${endpoint}`)).length;

function eventSummary(events: Event[]): string[] {
  return events.map((e) =>
    e.type === 'mfa-state-change' ? `${e.type}:${(e as CustomEvent<{ state: string }>).detail.state}` : e.type,
  );
}

type Step = { name: string; endpoint: Endpoint; state: FlowStatus };
const STEPS: Step[] = [
  { name: 'token generate', endpoint: 'token/generate', state: 'starting' },
  { name: 'otp generate (resend)', endpoint: 'otp/generate', state: 'sending' },
  { name: 'otp validate', endpoint: 'otp/validate', state: 'verifying' },
];

/** Mounts an element and puts it in the middle of `step`, its request held up by a latency fault. */
async function inFlight(step: Step): Promise<{ el: MfaOtpFlow; h: FlowHarness; seen: ReturnType<typeof countRequests> }> {
  const sandbox = await newSandbox();
  if (step.endpoint === 'token/generate') {
    await sandbox.fault({ path: step.endpoint, type: 'latency', ms: LATENCY });
    const { el, h } = await mountFlow({ sandbox, token: false });
    const seen = countRequests(el);
    el.authorizedToken = await sandbox.mintToken();
    await h.untilState(step.state);
    await waitUntil(() => hits(seen, step.endpoint) > 0, `${step.endpoint} never went out`);
    return { el, h, seen };
  }
  const { el, h } = await mountWithCode({ sandbox, resendAfter: 0 });
  const seen = countRequests(el);
  await sandbox.fault({ path: step.endpoint, type: 'latency', ms: LATENCY });
  if (step.endpoint === 'otp/generate') {
    void el.resend();
  } else {
    void el.verify(await sandbox.latestCode(MOBILE));
  }
  await h.untilState(step.state);
  await waitUntil(() => hits(seen, step.endpoint) > 0, `${step.endpoint} never went out`);
  return { el, h, seen };
}

describe('<mfa-otp-flow> single flight', () => {
  it('sends one otp/validate for 100 rapid Enter presses and submit clicks on a full code', async () => {
    const { el, h, sandbox } = await mountWithCode();
    const seen = countRequests(el);
    const code = await sandbox.latestCode(MOBILE);
    await sandbox.fault({ path: 'otp/validate', type: 'latency', ms: 100 });
    await h.type(code.slice(0, -1));
    h.input!.focus();
    const form = h.input!.form;
    const submit = h.part<HTMLButtonElement>('submit');
    const presses: Promise<void>[] = [];
    for (let i = 0; i < 100; i++) {
      if (i === 0) presses.push(sendKeys({ type: code.slice(-1) }));
      presses.push(sendKeys({ press: 'Enter' }));
      form?.requestSubmit();
      submit?.click();
    }
    await Promise.all(presses);
    await h.untilState('verified');
    await allAnswered(el, seen);
    expect(hits(seen, 'otp/validate')).to.equal(1);
    expect(h.eventsNamed('mfa-verified').length).to.equal(1);
  });

  it('sends one otp/generate for 100 rapid resend() calls once the cooldown is over', async () => {
    const { el, h, sandbox } = await mountWithCode({ resendAfter: 0 });
    const seen = countRequests(el);
    const sentBefore = h.eventsNamed('mfa-otp-sent').length;
    const calls: Promise<void>[] = [];
    for (let i = 0; i < 100; i++) calls.push(el.resend());
    await Promise.all(calls);
    await h.untilState('code-sent');
    await allAnswered(el, seen);
    expect(hits(seen, 'otp/generate')).to.equal(1);
    expect(h.eventsNamed('mfa-otp-sent').length - sentBefore).to.equal(1);
    expect(await sandbox.outbox(MOBILE)).to.have.length(2);
  });

  for (const step of STEPS) {
    it(`reset() during ${step.name}: one state change to idle, then silence`, async () => {
      const { el, h, seen } = await inFlight(step);
      const from = h.events.length;
      el.reset();
      expect(el.state).to.equal('idle');
      await allAnswered(el, seen);
      expect(seen.answers.length).to.be.greaterThan(0);
      expect(eventSummary(h.events.slice(from))).to.deep.equal(['mfa-state-change:idle']);
      expect(el.state).to.equal('idle');
    });

    it(`removal during ${step.name}: no mfa-* event afterwards`, async () => {
      const { el, h, seen } = await inFlight(step);
      const from = h.events.length;
      el.remove();
      await allAnswered(el, seen);
      expect(eventSummary(h.events.slice(from))).to.deep.equal([]);
    });
  }

  it('stays usable when removed while code-sent and added back: the code still verifies', async () => {
    const { el, h, sandbox } = await mountWithCode();
    const parent = el.parentNode!;
    el.remove();
    await nextTask();
    parent.appendChild(el);
    await el.updateComplete;
    const code = await sandbox.latestCode(MOBILE);
    const verified = h.next('mfa-verified');
    await el.verify(code);
    await verified;
    expect(el.state).to.equal('verified');
  });
});
