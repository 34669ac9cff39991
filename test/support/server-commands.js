// Test-runner commands that need the browser from outside the page (Chrome DevTools Protocol via
// puppeteer): taking the network away for real, as a tab losing connectivity would.
/** @returns {import('@web/test-runner').TestRunnerPlugin} */
export function testCommandsPlugin() {
  return {
    name: 'mfa-test-commands',
    async executeCommand({ command, payload, session }) {
      if (command !== 'set-offline') return undefined;
      const page = /** @type {any} */ (session.browser).getPage(session.id);
      await page.setOfflineMode(Boolean(/** @type {any} */ (payload)?.offline));
      return true;
    },
  };
}
