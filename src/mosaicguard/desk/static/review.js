// Review page: a finding's box, its highlighted text and its row light up together, and an
// "accepted risk" decision marks its reason field as required. No inline script: the page's
// Content-Security-Policy allows only scripts served by the desk.
(function () {
  'use strict';
  function related(id) {
    return document.querySelectorAll('[data-finding~="' + id + '"]');
  }
  function toggle(id, on) {
    related(id).forEach(function (el) { el.classList.toggle('active', on); });
  }
  document.querySelectorAll('[data-finding]').forEach(function (el) {
    var ids = el.getAttribute('data-finding').split(' ');
    el.addEventListener('mouseenter', function () { ids.forEach(function (id) { toggle(id, true); }); });
    el.addEventListener('mouseleave', function () { ids.forEach(function (id) { toggle(id, false); }); });
  });
  document.querySelectorAll('fieldset.decision').forEach(function (set) {
    var reason = set.querySelector('.reason input');
    function sync() {
      var chosen = set.querySelector('input[type=radio]:checked');
      var needed = chosen && chosen.value === 'accepted_risk';
      reason.required = !!needed;
      reason.classList.toggle('required', !!needed);
    }
    set.querySelectorAll('input[type=radio]').forEach(function (r) { r.addEventListener('change', sync); });
    sync();
  });
})();
