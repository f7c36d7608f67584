/* Progress of a computation of indicators: polls the page's JSON twin and updates the bar, the rows
   and the state line; shows «Открыть дашборд» when the work is over. Without JavaScript the page
   refreshes itself (a <noscript> meta refresh), so this file only makes it smoother. */
(function () {
  "use strict";
  var box = document.getElementById("snapshot-progress");
  if (!box || box.dataset.finished === "1") {
    return;
  }
  var url = box.dataset.url;
  var delay = Math.max(1, parseInt(box.dataset.poll || "2", 10)) * 1000;
  var bar = box.querySelector("[data-role=bar]");
  var state = box.querySelector("[data-role=state]");
  var open = box.querySelector("[data-role=open]");
  var error = box.querySelector("[data-role=error]");
  var wait = box.querySelector("[data-role=wait]");
  var failures = 0;

  function render(data) {
    bar.value = data.progress;
    bar.textContent = data.progress + " %";
    (data.items || []).forEach(function (item) {
      var row = box.querySelector('tr[data-snapshot="' + item.id + '"]');
      if (!row) {
        return;
      }
      row.querySelector("[data-role=status]").textContent = item.status_label;
      row.querySelector("[data-role=progress]").textContent =
        (item.status === "done" ? 100 : item.progress) + " %";
    });
    if (data.finished) {
      state.textContent = data.failed ? state.dataset.failed : state.dataset.done;
      if (data.failed) {
        error.hidden = false;
      }
      open.href = data.dashboard_url;
      open.hidden = false;
      if (wait) {
        wait.hidden = true;
      }
      return true;
    }
    state.textContent = state.dataset.running.replace("%s", data.progress);
    return false;
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        failures = 0;
        if (!render(data)) {
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () {
        failures += 1;
        if (failures < 10) {
          window.setTimeout(poll, delay * 2);
        }
      });
  }

  window.setTimeout(poll, delay);
})();
