// Progress page: polls /progress.json until every draft is done or failed. The page itself
// never waits for a scan; without JavaScript it still shows the state at load time.
(function () {
  'use strict';
  var table = document.getElementById('progress');
  if (!table || !table.dataset.ids) { return; }
  var labels = { done: table.dataset.done, failed: table.dataset.failed,
                 running: table.dataset.running, queued: table.dataset.queued };
  var delay = 800;

  function update(item) {
    var row = table.querySelector('tr[data-draft="' + item.id + '"]');
    if (!row) { return; }
    var bar = row.querySelector('progress');
    if (bar) { bar.value = item.progress; bar.textContent = item.progress + '%'; }
    var status = row.querySelector('.status');
    status.className = 'status status-' + item.status;
    status.textContent = labels[item.status] || item.status;
    row.querySelector('.error').textContent = item.error ? table.dataset.reason.replace('%s', item.error) : '';
    row.querySelector('.review-link').classList.toggle('hidden', item.status !== 'done');
    row.querySelector('.retry').classList.toggle('hidden', item.status !== 'failed');
  }

  function poll() {
    fetch('/progress.json?ids=' + encodeURIComponent(table.dataset.ids), { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) {
        var pending = false;
        data.drafts.forEach(function (item) {
          update(item);
          if (item.status === 'queued' || item.status === 'running') { pending = true; }
        });
        if (pending) { window.setTimeout(poll, delay); delay = Math.min(delay * 1.3, 5000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  poll();
})();
