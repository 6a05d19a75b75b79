// The reception console's only script: confirmations before destructive forms, the arrivals
// board's live updates (a poll of /console/arrivals.json once a second, with the late guests
// every ten seconds), the feedback queue's
// (/console/feedback.json every 2 s: new requests, and open ones turning overdue) and the
// summary's print button. No framework; the pages work without it except for the live parts.
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
  } else {
    addCount('[data-count="expected"]', 1);  // expected on another day, here today
  }
  addCount('[data-count="arrived"]', 1);
  const late = document.querySelector(`tr[data-late="${a.id}"]`);
  if (late) {
    late.remove();
    addCount('[data-count="late"]', -1);
  }
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

// Polls `url` (with the last answer's `since`) every `intervalMs` and hands each answer to
// `show`; an expired session goes back to the login page, a failed poll is shown in the
// page's live status and tried again at the next turn.
function pollLive(live, url, intervalMs, show, extra = () => "") {
  let since = live.dataset.since;
  const status = document.getElementById("live");
  const poll = async () => {
    try {
      const response = await fetch(`${url}&since=${since}${extra()}`, {
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
      show(body);
      since = body.since;
      status.textContent = `${live.dataset.updated} ${body.updated}`;
      status.classList.remove("bad");
    } catch (e) {
      status.textContent = live.dataset.offline;
      status.classList.add("bad");
    }
    window.setTimeout(poll, intervalMs);
  };
  window.setTimeout(poll, intervalMs);
}

// Every tenth poll also brings the late guests again (a guest turns late with time, not
// with a check-in), as the section the page was drawn with.
function startLive(live) {
  let turn = 0;
  const late = () => (++turn % 10 === 0 ? "&late=1" : "");
  pollLive(live, live.dataset.live, 1000, (body) => {
    for (const a of body.arrivals) {
      showArrival(a);
    }
    const section = document.querySelector("section.late-list");
    if (section && body.late_html !== undefined) {
      section.outerHTML = body.late_html;
    }
    const announce = document.getElementById("announce");
    if (announce && body.arrivals.length > 0) {
      announce.textContent =
        `${announce.dataset.label}: ${body.arrivals.map((a) => a.name).join(", ")}`;
    }
  }, late);
}

// New requests come as rows the server rendered and escaped (the page's one renderer); the
// answer's time marks open requests that have passed their due time, in the server's clock.
function startFeedbackLive(live) {
  const queue = document.getElementById("queue");
  pollLive(live, live.dataset.feedbackLive, 2000, (body) => {
    const added = [];
    for (const r of body.requests) {
      if (queue.querySelector(`li[data-feedback="${CSS.escape(r.id)}"]`)) {
        continue;  // already shown
      }
      queue.insertAdjacentHTML("beforeend", r.html);
      queue.lastElementChild.classList.add("new");
      added.push(r.label);
      addCount('[data-count="open"]', 1);
    }
    if (added.length > 0) {
      document.getElementById("queue-empty").hidden = true;
      const announce = document.getElementById("announce");
      announce.textContent = `${announce.dataset.label}: ${added.join(", ")}`;
    }
    for (const clock of queue.querySelectorAll("p.clock[data-due]")) {
      if (Number(clock.dataset.due) < body.now) {
        clock.removeAttribute("data-due");
        clock.classList.add("overdue");
        clock.closest("li").classList.add("overdue");
        const flag = document.createElement("strong");
        flag.className = "flag";
        flag.textContent = `${live.dataset.overdue} `;
        clock.prepend(flag);
      }
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  confirmForms();
  const feedbackLive = document.querySelector("[data-feedback-live]");
  if (feedbackLive) {
    startFeedbackLive(feedbackLive);
  }
  for (const button of document.querySelectorAll("button[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
  const live = document.querySelector("[data-live]");
  if (live) {
    startLive(live);
  }
});
