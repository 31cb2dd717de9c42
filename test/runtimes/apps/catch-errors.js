// Classic script loaded before the modules: reports load errors (a 404, a bad specifier)
// and uncaught errors to the harness, so a broken page fails fast instead of timing out.
(function () {
  var name = new URLSearchParams(location.search).get('name') || 'page';
  function send(what) {
    fetch('/error/' + name, { method: 'POST', body: String(what) });
  }
  window.addEventListener('error', function (e) {
    var t = e.target;
    send(t && t !== window && (t.src || t.href) ? 'failed to load ' + (t.src || t.href) : e.message + ' at ' + e.filename + ':' + e.lineno);
  }, true);
  window.addEventListener('unhandledrejection', function (e) {
    send('unhandled rejection: ' + (e.reason && e.reason.stack || e.reason));
  });
})();
