// The reception console's only script: confirmations before destructive forms, and the
// arrivals board's live updates (a poll of /console/arrivals.json once a second). No
// framework; the pages work without it except for the live updates.
"use strict";

function confirmForms() {
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    });
  }
}

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text;
  return td;
}

function addCount(selector, delta) {
  const el = document.querySelector(selector);
  if (el) {
    el.textContent = String(Number(el.textContent) + delta);
  }
}

function showArrival(a) {
  const arrivedBody = document.getElementById("arrived-body");
  if (!arrivedBody || arrivedBody.querySelector(`tr[data-guest="${a.id}"]`)) {
    return;  // already shown
  }
  const waiting = document.querySelector(`#waiting-body tr[data-guest="${a.id}"]`);
  if (waiting) {
    waiting.remove();
    addCount('[data-count="waiting"]', -1);
  }
  addCount('[data-count="arrived"]', 1);
  addCount(`[data-cat-arrived="${a.category}"]`, 1);
  const row = document.createElement("tr");
  row.dataset.guest = String(a.id);
  row.className = "new";
  for (const text of [a.time, a.name, a.category_label, a.company, a.terminal]) {
    row.appendChild(cell(text));
  }
  arrivedBody.prepend(row);
  const vip = document.querySelector(`tr[data-vip="${a.id}"]`);
  if (vip) {
    vip.classList.add("in");
    vip.querySelector(".when").textContent = a.time;
  }
}

function startLive(live) {
  let since = live.dataset.since;
  const status = document.getElementById("live");
  const poll = async () => {
    try {
      const response = await fetch(`${live.dataset.live}&since=${since}`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (response.status === 401) {
        window.location.assign("/console/login?expired=1");
        return;
      }
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      const body = await response.json();
      for (const a of body.arrivals) {
        showArrival(a);
      }
      const announce = document.getElementById("announce");
      if (announce && body.arrivals.length > 0) {
        announce.textContent =
          `${announce.dataset.label}: ${body.arrivals.map((a) => a.name).join(", ")}`;
      }
      since = body.since;
      status.textContent = `${live.dataset.updated} ${body.updated}`;
      status.classList.remove("bad");
    } catch (e) {
      status.textContent = live.dataset.offline;
      status.classList.add("bad");
    }
    window.setTimeout(poll, 1000);
  };
  window.setTimeout(poll, 1000);
}

document.addEventListener("DOMContentLoaded", () => {
  confirmForms();
  const live = document.querySelector("[data-live]");
  if (live) {
    startLive(live);
  }
});
