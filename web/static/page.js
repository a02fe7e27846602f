// wavebot's pages work without this script. With it, the list filters
// and sorts in place, "select all" appears, only the rows a person
// changed are sent, and a submission asks for confirmation first.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const outcome = document.getElementById("outcome");
  if (outcome) outcome.focus();

  for (const button of document.querySelectorAll("button[data-confirm]")) {
    button.addEventListener("click", (e) => {
      if (!window.confirm(button.dataset.confirm)) e.preventDefault();
    });
  }

  const table = document.querySelector("table[data-rows]");
  if (table) liveTable(table);

  for (const form of document.querySelectorAll("form[data-track-changes]")) trackChanges(form);
});

// fields returns the form fields of a table row.
function fields(row) {
  return Array.from(row.querySelectorAll("input, select, textarea"));
}

function value(field) {
  return field.type === "checkbox" ? String(field.checked) : field.value;
}

// trackChanges sends only the rows whose fields changed, or that are
// selected: the others are left out of the post, which keeps it small
// and never touches a row someone else is editing.
function trackChanges(form) {
  const rows = Array.from(form.querySelectorAll("tbody tr"));
  const initial = new Map(rows.map((row) => [row, fields(row).map(value).join("\u0000")]));
  form.addEventListener("submit", () => {
    for (const row of rows) {
      if (fields(row).map(value).join("\u0000") === initial.get(row)) {
        for (const f of fields(row)) f.disabled = true;
      }
    }
  });
}

const statusOrder = { "": 0, fix: 1, ok: 2 };

// liveTable filters and sorts the list's rows in place and offers to
// select every row shown.
function liveTable(table) {
  const tbody = table.tBodies[0];
  const rows = Array.from(tbody.rows);
  const text = document.querySelector("[data-filter-text]");
  const status = document.querySelector("[data-filter-status]");
  const shown = document.getElementById("shown");
  const texts = new Map(rows.map((r) => [r, r.textContent.toLowerCase() + " " + fields(r).map((f) => f.value.toLowerCase()).join(" ")]));

  function filter() {
    const needle = text ? text.value.trim().toLowerCase() : "";
    const want = status ? status.value : "";
    let n = 0;
    for (const row of rows) {
      const decision = row.querySelector("select") ? row.querySelector("select").value : row.dataset.status;
      const match = (!want || (want === "open" ? decision === "" : decision === want)) && (!needle || texts.get(row).includes(needle));
      row.hidden = !match;
      if (match) n++;
    }
    if (shown && shown.dataset.format) {
      shown.textContent = shown.dataset.format.replace("{n}", n).replace("{total}", rows.length);
    }
  }
  if (text) text.addEventListener("input", filter);
  if (status) status.addEventListener("change", filter);
  const filterForm = text && text.form;
  if (filterForm) {
    filterForm.addEventListener("submit", (e) => {
      e.preventDefault();
      filter();
    });
  }

  const headers = Array.from(table.tHead.rows[0].cells);
  for (const link of table.querySelectorAll("a[data-sort]")) {
    link.addEventListener("click", (e) => {
      e.preventDefault();
      const th = link.closest("th");
      const column = headers.indexOf(th);
      const descending = th.getAttribute("aria-sort") === "ascending";
      for (const h of headers) h.removeAttribute("aria-sort");
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      const key = (row) => {
        if (link.dataset.sort === "status") {
          const select = row.querySelector("select");
          return statusOrder[select ? select.value : row.dataset.status] || 0;
        }
        return row.cells[column].textContent.trim().toLowerCase();
      };
      const sorted = rows.slice().sort((a, b) => {
        const ka = key(a), kb = key(b);
        const c = ka < kb ? -1 : ka > kb ? 1 : 0;
        return descending ? -c : c;
      });
      for (const row of sorted) tbody.appendChild(row);
    });
  }

  const all = document.querySelector("[data-select-all]");
  if (all) {
    all.hidden = false;
    all.addEventListener("change", () => {
      for (const row of rows) {
        const box = row.querySelector("td.select input[type=checkbox]");
        if (box && !row.hidden) box.checked = all.checked;
      }
    });
  }
}
