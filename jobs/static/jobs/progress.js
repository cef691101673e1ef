// Polls a job's progress JSON every second and goes to its result page when it is done.
(function () {
  "use strict";
  var root = document.querySelector("[data-progress-url]");
  if (!root) { return; }
  var url = root.getAttribute("data-progress-url");
  var bar = document.getElementById("job-bar");
  function show(id, value) {
    var cell = document.getElementById(id);
    if (cell) { cell.textContent = value; }
  }
  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (job) {
        if (job.percent === null) { bar.removeAttribute("value"); } else { bar.value = job.percent; }
        show("job-state", job.state_label);
        show("job-stage", job.stage || "");
        show("job-read", job.rows.read);
        show("job-checked", job.rows.checked);
        show("job-written", job.rows.written);
        show("job-total", job.rows.total || "\u2013");
        if (job.state === "done" && job.result_url) {
          window.location.assign(job.result_url);
        } else if (job.state === "failed") {
          var box = document.getElementById("job-error");
          box.querySelector("li").textContent = job.error;
          box.hidden = false;
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
}());
