// Injected into the test page before any script runs (as text, not a transpiled function,
// so the test runner's helpers never leak into the page). Stands in for VS Code's
// acquireVsCodeApi: records posted messages and keeps get/setState across reloads
// through sessionStorage, as VS Code keeps a webview's state while its panel lives.
(() => {
  const posted = [];
  const csp = [];
  window.__posted = posted;
  window.__csp = csp;
  document.addEventListener('securitypolicyviolation', (e) => csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi called twice');
    acquired = true;
    return {
      // Records what the user could see at the moment of posting, to check render-before-ready.
      postMessage: (m) =>
        posted.push({
          message: JSON.parse(JSON.stringify(m)),
          gaugeText: document.querySelector('.gauge-percent')?.textContent ?? null,
        }),
      getState: () => {
        const s = sessionStorage.getItem('fake-vscode-state');
        return s === null ? undefined : JSON.parse(s);
      },
      setState: (s) => sessionStorage.setItem('fake-vscode-state', JSON.stringify(s)),
    };
  };
})();
