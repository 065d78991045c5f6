// Countdowns next to deadlines, one submission per form, confirmations before state changes.
(function () {
  "use strict";

  function formatRemaining(ms) {
    if (ms <= 0) return "已截止";
    const minutes = Math.floor(ms / 60000);
    const days = Math.floor(minutes / 1440);
    const hours = Math.floor((minutes % 1440) / 60);
    const mins = minutes % 60;
    if (days > 0) return "剩余 " + days + " 天 " + hours + " 小时";
    if (hours > 0) return "剩余 " + hours + " 小时 " + mins + " 分";
    return "剩余 " + mins + " 分钟";
  }

  function tick() {
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      const at = Date.parse(el.dataset.deadline);
      if (!Number.isNaN(at)) el.textContent = formatRemaining(at - Date.now());
    });
  }

  document.addEventListener("submit", function (event) {
    const form = event.target;
    const message = form.dataset.confirm;
    if (message && !window.confirm(message)) {
      event.preventDefault();
      return;
    }
    if (form.dataset.submitted === "1") {
      event.preventDefault();
      return;
    }
    form.dataset.submitted = "1";
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.disabled = true;
      button.dataset.originalText = button.textContent;
      button.textContent = "正在提交…";
    });
  });

  // A page shown again from the back/forward cache must accept a new submission.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitted='1']").forEach(function (form) {
      form.dataset.submitted = "";
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.disabled = false;
        if (button.dataset.originalText) button.textContent = button.dataset.originalText;
      });
    });
  });

  document.body.addEventListener("htmx:configRequest", function (event) {
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) event.detail.headers["X-CSRFToken"] = token.value;
  });

  tick();
  window.setInterval(tick, 30000);
})();
