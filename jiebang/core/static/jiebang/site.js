// Countdowns next to deadlines, one submission per form, confirmations before state changes.
(function () {
  "use strict";

  function formatRemaining(ms, pastLabel) {
    if (ms <= 0) return pastLabel || "已截止";
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
      if (!Number.isNaN(at)) el.textContent = formatRemaining(at - Date.now(), el.dataset.past);
    });
  }

  // "全选" in a table header toggles the row checkboxes of its table.
  document.addEventListener("change", function (event) {
    if (!event.target.matches("[data-check-all]")) return;
    const table = event.target.closest("table");
    table.querySelectorAll("input[name=ids]").forEach(function (box) { box.checked = event.target.checked; });
  });

  function batchMessage(form) {
    const count = form.querySelectorAll("input[name=ids]:checked").length;
    const select = form.querySelector("select[name=action]");
    const label = select ? select.options[select.selectedIndex].text : (form.dataset.confirmAction || "处理");
    return "确认对选中的 " + count + " 项执行“" + label + "”？";
  }

  document.addEventListener("submit", function (event) {
    const form = event.target;
    const message = form.dataset.confirmBatch ? batchMessage(form) : form.dataset.confirm;
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

  // Progress bars carry their width in data-progress: the Content-Security-Policy allows no
  // style="" attribute, but setting element.style from a script file is allowed. Bars that
  // htmx swaps in (export/import progress) are sized as they are inserted, before painting.
  function sizeProgress(root) {
    const bars = root.querySelectorAll ? Array.from(root.querySelectorAll("[data-progress]")) : [];
    if (root.matches && root.matches("[data-progress]")) bars.push(root);
    bars.forEach(function (bar) {
      const value = Math.max(0, Math.min(100, parseFloat(bar.dataset.progress) || 0));
      bar.style.width = value + "%";
    });
  }
  sizeProgress(document);
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      record.addedNodes.forEach(function (node) { if (node.nodeType === 1) sizeProgress(node); });
    });
  }).observe(document.body, { childList: true, subtree: true });

  // htmx requests (autosave, progress polling, row actions) carry the CSRF token in the
  // X-CSRFToken header Django checks; it is read from the page's form token.
  document.body.addEventListener("htmx:configRequest", function (event) {
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) event.detail.headers["X-CSRFToken"] = token.value;
  });

  // Formsets: "添加一行" clones the empty row with the next index.
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-add-row]");
    if (!button) return;
    const prefix = button.dataset.addRow;
    const total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    const template = document.querySelector("template[data-empty-row='" + prefix + "']");
    const body = document.querySelector("tbody[data-rows='" + prefix + "']");
    if (!total || !template || !body) return;
    const index = parseInt(total.value, 10);
    const html = template.innerHTML.replace(/__prefix__/g, String(index));
    body.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    const cell = body.lastElementChild.querySelector("[data-row-number]");
    if (cell) cell.textContent = String(index + 1);
    const first = body.lastElementChild.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
  });

  // Money inputs in 元 show their value in 万元 beside them.
  function showWanyuan(input) {
    const hint = document.querySelector("[data-wanyuan-for='" + input.id + "']");
    if (!hint) return;
    const value = parseFloat(input.value);
    hint.textContent = Number.isFinite(value) ? "折合 " + (value / 10000).toLocaleString("zh-CN", { maximumFractionDigits: 2 }) + " 万元" : "";
  }
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("input[data-money]")) showWanyuan(event.target);
  });
  document.querySelectorAll("input[data-money]").forEach(showWanyuan);

  tick();
  window.setInterval(tick, 30000);
})();
