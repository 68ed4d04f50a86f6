// The browser seat: joins the lab host over a WebSocket on the port that served this page, says
// hello with the team and its join code, draws the team's view as the host sends it, and sends
// the team's orders. It speaks the native seat's messages (src/lab/protocol.rs); the host checks
// every order against the team and journals it with this seat. Text from the exercise is only
// ever set as text, never as markup.
"use strict";

const LAB = JSON.parse(document.getElementById("lab").textContent);
const STORE = "tidewatch-seat";
/// How long a seat that lost the host keeps trying (the native seat's --patience default).
const PATIENCE_MS = 120000;
const RETRY_MS = 2000;
const FEED_LINES = 400;
const SVG = "http://www.w3.org/2000/svg";

const $ = (id) => document.getElementById(id);
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}
/// Minutes as the host writes a span: 1d3h20m, 45m.
function span(m) {
  const d = Math.floor(m / 1440), h = Math.floor((m % 1440) / 60), mm = m % 60;
  let s = "";
  if (d) s += d + "d";
  if (h) s += h + "h";
  if (mm || !s) s += mm + "m";
  return s;
}

const state = {
  ws: null,
  joined: null,
  seat: "",
  geography: null,
  clock: null,
  view: null,
  feed: [],
  nextOrder: 1,
  sent: {},
  retryUntil: 0,
  over: false,
  facilitator: false,
  refused: false,
  ordersFor: "",
  // Inbox items the reader opened or closed, by time and id, kept across redraws.
  toggled: new Map(),
  // The hub's dashboard: what its items and requests looked like when last built, and the
  // choices made on it (marking and members per item, analysts and mode per request).
  hubFor: "",
  hubChoice: new Map(),
};

// ---- joining ----

function setup() {
  const teams = $("join-team");
  for (const t of LAB.teams) {
    const o = el("option", "", `${t.name} (${t.id})`);
    o.value = t.id;
    teams.appendChild(o);
  }
  // The facilitator joins with the code only the host's terminal shows.
  const white = el("option", "", "Facilitator (the code on the host's terminal)");
  white.value = LAB.facilitator;
  teams.appendChild(white);
  $("exercise").textContent = LAB.exercise;
  const params = new URLSearchParams(location.search);
  if (params.get("team")) teams.value = params.get("team");
  $("join-go").addEventListener("click", () => {
    const code = $("join-code").value.trim().toUpperCase();
    if (!code) {
      $("join-error").textContent = "Type the join code your facilitator gave your team.";
      return;
    }
    join({ team: teams.value, code, name: $("join-name").value.trim() || "browser" });
  });
  $("join-code").addEventListener("keydown", (e) => {
    if (e.key === "Enter") $("join-go").click();
  });
  // A link with the code in it (`/?team=ag-npc&code=K7M2QX`, a QR code on the team's slip)
  // joins at once; the code is then taken out of the address bar.
  if (params.get("team") && params.get("code")) {
    history.replaceState(null, "", location.pathname);
    join({ team: params.get("team"), code: params.get("code").trim().toUpperCase(), name: params.get("name") || "browser" });
    return;
  }
  // A page reloaded (or a tablet that slept) rejoins as the same seat with its screen.
  const kept = sessionStorage.getItem(STORE);
  if (kept) {
    try {
      join(JSON.parse(kept));
    } catch (_) {
      sessionStorage.removeItem(STORE);
    }
  }
}

function join(who) {
  state.joined = who;
  state.refused = false;
  $("join-error").textContent = "";
  $("join-go").disabled = true;
  connect();
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  const ws = new WebSocket(scheme + location.host + "/seat");
  state.ws = ws;
  status(state.retryUntil ? "reconnecting..." : "joining...");
  ws.onopen = () => {
    const j = state.joined;
    ws.send(JSON.stringify({ type: "hello", protocol: LAB.protocol, team: j.team, code: j.code, name: j.name }));
  };
  ws.onmessage = (m) => {
    let message;
    try {
      message = JSON.parse(m.data);
    } catch (_) {
      return;
    }
    receive(message);
  };
  ws.onclose = () => {
    if (state.ws === ws) state.ws = null;
    if (!state.over && !state.refused) lost();
  };
}

/// The host is gone (its laptop restarting, the Wi-Fi dropping): try again for a while.
function lost() {
  const now = Date.now();
  if (!state.retryUntil) state.retryUntil = now + PATIENCE_MS;
  if (now > state.retryUntil) {
    status("gave up reaching the host: reload the page to try again", true);
    $("join-go").disabled = false;
    return;
  }
  status("lost the host: reconnecting...", true);
  setTimeout(connect, RETRY_MS);
}

function status(text, trouble) {
  $("status").textContent = text;
  $("status").className = trouble ? "lost" : "";
}

function receive(m) {
  switch (m.type) {
    case "welcome":
      state.seat = m.seat;
      state.geography = m.geography;
      state.feed = [];
      state.retryUntil = 0;
      sessionStorage.setItem(STORE, JSON.stringify(state.joined));
      $("join").hidden = true;
      state.facilitator = m.team === LAB.facilitator;
      $("desk").hidden = state.facilitator;
      $("white-cell").hidden = !state.facilitator;
      if (state.facilitator) buildWhiteCell();
      $("seat").textContent = m.seat;
      status("connected");
      document.title = `${m.geography.exercise}: ${m.team}`;
      drawMapAndClock();
      break;
    case "refused":
      state.refused = true;
      sessionStorage.removeItem(STORE);
      $("join").hidden = false;
      $("desk").hidden = true;
      $("white-cell").hidden = true;
      $("join-go").disabled = false;
      $("join-error").textContent = `The host refused this seat: ${m.reason}`;
      status("not joined");
      break;
    case "view":
      state.view = m.view;
      drawView();
      break;
    case "feed":
      state.feed.push(...m.lines);
      if (state.feed.length > FEED_LINES) state.feed.splice(0, state.feed.length - FEED_LINES);
      drawFeed();
      break;
    case "clock":
      state.clock = m.clock;
      drawClock();
      drawDecisions();
      break;
    case "accepted":
      answer(`order ${m.id} taken (${state.sent[m.id] || "order"})`);
      break;
    case "rejected":
      answer(`order ${m.id} refused: ${m.reason}`, true);
      break;
    case "said":
      heard(m.line);
      break;
    case "msel":
      drawMsel(m.injects);
      break;
    case "finished":
      state.over = true;
      sessionStorage.removeItem(STORE);
      status("the exercise is over");
      if (!$("over")) {
        const b = el("div", "banner", "The exercise is over. Thank you: the facilitator will lead the debrief.");
        b.id = "over";
        document.body.insertBefore(b, $("desk"));
      }
      break;
  }
}

function answer(text, refused) {
  const a = $("answer");
  a.textContent = text;
  a.className = refused ? "harm" : "";
}

/// Sends an order; the host's answer (taken, or refused and why) shows in the bar.
function order(command, what) {
  const ws = state.ws;
  if (!ws || ws.readyState !== WebSocket.OPEN) {
    answer(`not connected: "${what}" was not sent`, true);
    return;
  }
  const id = state.nextOrder++;
  state.sent[id] = what;
  ws.send(JSON.stringify({ type: "order", id, command }));
  answer(`order ${id} sent (${what})`);
}

// ---- drawing ----

function drawClock() {
  const c = state.clock;
  if (!c) return;
  $("clock").textContent = c.clock;
  $("calendar").textContent = `${c.calendar} ${state.geography ? state.geography.time_zone : ""}`;
  // The islands on other clocks, each with its own time.
  const own = c.islands || [];
  $("islands").textContent = own.join(" · ");
  $("islands").title = own.join("\n");
  $("pace").textContent = c.paused ? "paused by the facilitator" : `running at ${c.pace}`;
}

function drawMapAndClock() {
  drawClock();
  if (!state.facilitator) drawMap();
}

// ---- the facilitator's seat ----

/// Says a line to the host, as its terminal takes it; the host's answer comes back as `said`.
function say(line) {
  const ws = state.ws;
  if (!line.trim()) return;
  if (!ws || ws.readyState !== WebSocket.OPEN) {
    heard(`not connected: "${line}" was not said`);
    return;
  }
  ws.send(JSON.stringify({ type: "say", line }));
}

function heard(line) {
  const ol = $("wc-said");
  ol.insertBefore(el("li", "", line), ol.firstChild);
  while (ol.children.length > 30) ol.removeChild(ol.lastChild);
}

function buildWhiteCell() {
  const bar = clear($("wc-clock"));
  for (const [label, line] of [["Pause", "pause"], ["Resume", "resume"], ["1x", "speed 1x"],
    ["10x", "speed 10x"], ["60x", "speed 60x"], ["max", "speed max"], ["Status", "status"]]) {
    button(bar, label, () => say(line));
  }
  // Ending takes two presses: the journal is closed and the report written.
  const end = button(bar, "End exercise", () => {
    if (end.dataset.sure) {
      say("end");
    } else {
      end.dataset.sure = "1";
      end.textContent = "End now? Press again";
    }
  });
  const input = $("wc-line");
  const go = () => {
    say(input.value);
    input.value = "";
  };
  $("wc-say").onclick = go;
  input.onkeydown = (e) => {
    if (e.key === "Enter") go();
  };
}

/// The MSEL, each inject with its trigger and state; one waiting can be fired, delayed or
/// skipped.
function drawMsel(injects) {
  const table = clear($("wc-msel"));
  for (const i of injects) {
    const tr = el("tr", i.state);
    tr.dataset.inject = i.id;
    const id = el("td", "strong", i.id);
    id.appendChild(el("div", "when", i.when));
    tr.appendChild(id);
    tr.appendChild(el("td", "", i.title));
    const acts = el("td", "state", i.state);
    if (i.state === "waiting") {
      for (const [label, line] of [["Fire", `fire ${i.id}`], ["+15m", `delay ${i.id} 15m`], ["Skip", `skip ${i.id}`]]) {
        const b = button(acts, label, () => say(line));
        b.dataset.say = line;
      }
    }
    tr.appendChild(acts);
    table.appendChild(tr);
  }
}

function drawView() {
  const v = state.view;
  $("team-name").textContent = v.team.name;
  drawModule();
  drawDecisions();
  drawInbox();
  drawOrders();
  drawWork();
  drawHub();
  drawMap();
}

/// The module the room is in: its situation, and the questions it discusses at its end.
function drawModule() {
  const m = state.view.module;
  const box = clear($("module"));
  if (!m) return;
  const div = el("div", "module");
  div.appendChild(el("div", "title", m.title));
  if (m.description) div.appendChild(el("p", "", m.description));
  if (m.questions.length) {
    div.appendChild(el("div", "weak", m.ended ? "The room discusses now:" : "Questions for the end of the module:"));
    const q = el("ul");
    for (const question of m.questions) q.appendChild(el("li", "", question));
    div.appendChild(q);
  }
  box.appendChild(div);
}

function drawDecisions() {
  const v = state.view;
  if (!v) return;
  const now = state.clock ? state.clock.now : 0;
  const box = clear($("decisions"));
  for (const d of v.decisions) {
    const div = el("div", "decision");
    div.dataset.inject = d.inject;
    div.appendChild(el("div", "prompt", `Decision ${d.inject}: ${d.prompt}`));
    const waited = span(Math.max(0, now - d.asked));
    let left = `asked ${waited} ago`;
    if (d.deadline !== null && d.deadline !== undefined) {
      left += d.deadline > now
        ? `; in ${span(d.deadline - now)} the room moves on with "${d.default}"`
        : `; time is up: "${d.default}"`;
    }
    div.appendChild(el("div", "weak", left));
    if (d.decider !== v.team.id) {
      div.appendChild(el("div", "for", `for ${d.decider} to decide`));
    } else {
      const options = el("div", "options");
      for (const [option, label] of d.options) {
        const b = el("button", "", label);
        b.type = "button";
        b.dataset.option = option;
        b.addEventListener("click", () =>
          order({ Decide: { team: v.team.id, inject: d.inject, option } }, `${d.inject}: ${label}`));
        options.appendChild(b);
      }
      div.appendChild(options);
    }
    box.appendChild(div);
  }
}

function drawInbox() {
  const v = state.view;
  $("inbox-title").textContent = `Inbox (${v.inbox.length})`;
  const box = clear($("inbox"));
  v.inbox.forEach((item, n) => {
    const key = `${item.tick} ${item.id}`;
    const d = el("details", "inject");
    d.open = state.toggled.has(key) ? state.toggled.get(key) : n === v.inbox.length - 1;
    d.addEventListener("toggle", () => state.toggled.set(key, d.open));
    const summary = el("summary");
    summary.appendChild(el("span", "time", `${item.time}  `));
    summary.appendChild(el("span", "title", `${item.channel}: ${item.title}`));
    d.appendChild(summary);
    if (item.from) d.appendChild(el("div", "from", `From: ${item.from}`));
    d.appendChild(el("p", "", item.body));
    if (item.questions.length) {
      const q = el("ul");
      for (const question of item.questions) q.appendChild(el("li", "", question));
      d.appendChild(q);
    }
    box.insertBefore(d, box.firstChild);
  });
}

/// The team's orders: rebuilt only when what it may act on changes, so a choice survives.
function drawOrders() {
  const v = state.view;
  const key = JSON.stringify([v.team.id, v.targets, v.partners]);
  if (key !== state.ordersFor) {
    state.ordersFor = key;
    buildOrders(v);
  }
  // A Leadership team gives no response orders: its decisions and statements are its own.
  $("orders-given").textContent = v.leads || v.hub ? "" : `${v.orders_given} orders given`;
  const listed = $("collections");
  if (listed) showCollections(listed, v);
}

function row(parent) {
  const r = el("div", "row");
  parent.appendChild(r);
  return r;
}

function button(parent, label, onClick, hint) {
  const b = el("button", "", label);
  b.type = "button";
  if (hint) b.title = hint;
  b.addEventListener("click", onClick);
  parent.appendChild(b);
  return b;
}

function buildOrders(v) {
  const box = clear($("orders"));
  const team = v.team.id;
  box.appendChild(el("h3", "", v.leads ? "Statements" : "Orders"));
  if (v.leads) statementRow(box, v);
  // The hub's work is on its dashboard: relaying and lending, not a national desk's orders.
  if (v.targets.length && !v.leads && !v.hub) {
    const target = el("select");
    target.id = "target";
    for (const o of v.targets) {
      const opt = el("option", "", o.name);
      opt.value = o.id;
      target.appendChild(opt);
    }
    row(box).appendChild(target);
    const acts = row(box);
    for (const o of LAB.orders) {
      button(acts, o.label, () => {
        const org = target.value;
        const name = target.options[target.selectedIndex].textContent;
        order({ [o.variant]: { team, org } }, `${o.label}: ${name}`);
      });
    }
    shareRow(box, v);
    button(row(box), "Ask for help", () => order({ RequestAssistance: { team } }, "ask the hub for help"),
      "ask the regional hub for analysts");
    if (v.collects) findingsRow(box, v, target);
  }
  if (v.hub) callRow(box, v);
  const notes = row(box);
  const note = el("textarea");
  note.id = "note";
  note.rows = 1;
  note.placeholder = "A note for the record";
  notes.appendChild(note);
  button(notes, "Add note", () => {
    const text = note.value.trim();
    if (text) {
      order({ Note: text }, "note");
      note.value = "";
    }
  });
  box.appendChild(el("p", "weak")).id = "orders-given";
}

/// A technical exercise: the collections delivered, and the findings at the organisation chosen
/// above, pasted as they come (host names, indicators, ATT&CK ids), sorted as the window's seat
/// sorts them (report::view::findings_from_text); the host checks every entry.
function findingsRow(box, v, target) {
  const list = el("p", "weak");
  list.id = "collections";
  showCollections(list, v);
  box.appendChild(list);
  const text = el("textarea", "statement");
  text.id = "findings";
  text.placeholder = "Findings: hosts, indicators and ATT&CK ids found in the records";
  row(box).appendChild(text);
  button(row(box), "Submit findings", () => {
    const org = target.value;
    const found = { team: v.team.id, org, hosts: [], indicators: [], techniques: [] };
    for (let t of text.value.split(/[\s,;]+/)) {
      t = t.replace(/^["']+|["']+$/g, "");
      if (!t) continue;
      if (t.startsWith(org + "-")) found.hosts.push(t);
      else if (/^T\d{4}(\.\d{3})?$/.test(t)) found.techniques.push(t);
      else found.indicators.push(t);
    }
    if (!found.hosts.length && !found.indicators.length && !found.techniques.length) return;
    order({ Findings: found }, `findings at ${target.options[target.selectedIndex].textContent}`);
    text.value = "";
  }, "the hosts named become the incident's scope: isolate cuts off these");
}

/// The collections delivered, and the records to download: the team's whole evidence (its
/// sensors and its collections, up to now, made by the host from the live exercise) and each
/// collected organisation's, as NDJSON (CEF for syslog tools). Redrawn only when a collection
/// arrives, so a link is never pulled from under a click.
function showCollections(p, v) {
  const key = JSON.stringify(v.collections);
  if (p.dataset.shown === key) return;
  p.dataset.shown = key;
  clear(p).textContent = v.collections.length
    ? "Collections: " + v.collections.map((c) => `${c.org.name} at ${c.time}`).join("; ") + ". "
    : "No collection yet: investigate an organisation to collect its records. ";
  const records = el("span");
  records.id = "evidence-links";
  records.append("Records up to now: ", evidenceLink(v, null, "your team's", "ndjson"), " (",
    evidenceLink(v, null, "as CEF", "cef.log"), ")");
  const seen = new Set();
  for (const c of v.collections) {
    if (seen.has(c.org.id)) continue;
    seen.add(c.org.id);
    records.append(", ", evidenceLink(v, c.org.id, c.org.name, "ndjson"));
  }
  p.appendChild(records);
}

function evidenceLink(v, org, label, ending) {
  const query = new URLSearchParams({ code: state.joined.code });
  if (org) query.set("org", org);
  const a = el("a", "", label);
  a.href = `/evidence/${encodeURIComponent(v.team.id)}.${ending}?${query}`;
  a.download = "";
  return a;
}

/// A Leadership team speaks: to whom, and what it says.
function statementRow(box, v) {
  const r = row(box);
  const to = el("select");
  to.id = "listeners";
  for (const l of LAB.listeners) {
    const o = el("option", "", `to ${l.label}`);
    o.value = l.value;
    to.appendChild(o);
  }
  const text = el("textarea", "statement");
  text.id = "statement";
  text.placeholder = "What the government says, in the words it would publish";
  r.append(to);
  const w = row(box);
  w.appendChild(text);
  button(row(box), "Issue statement", () => {
    const said = text.value.trim();
    if (!said) return;
    order({ Statement: { team: v.team.id, to: to.value, text: said } },
      `statement ${to.options[to.selectedIndex].textContent}`);
    text.value = "";
  });
}

/// The hub convenes its members: the agenda goes to every member's contact as an inject.
function callRow(box, v) {
  const agenda = el("textarea", "statement");
  agenda.id = "agenda";
  agenda.placeholder = "The regional call's agenda, as the members will read it";
  row(box).appendChild(agenda);
  button(row(box), "Convene regional call", () => {
    const text = agenda.value.trim();
    if (!text) return;
    order({ RegionalCall: { team: v.team.id, agenda: text } }, "regional call");
    agenda.value = "";
  }, "an inject to every member's point of contact");
}

/// Sharing the latest incident: the marking (its reach on hover) and the audience; the host
/// refuses an audience the marking forbids, with the rule.
function shareRow(box, v) {
  const r = row(box);
  const tlp = el("select");
  tlp.id = "tlp";
  for (const m of LAB.markings) {
    const o = el("option", "", m.label);
    o.value = m.value;
    o.title = m.reach;
    tlp.appendChild(o);
  }
  tlp.value = "Green";
  const reach = () => { tlp.title = LAB.markings.find((m) => m.value === tlp.value).reach; };
  tlp.addEventListener("change", reach);
  reach();
  const to = el("select");
  to.id = "audience";
  to.title = "to whom: everyone the marking allows, or one audience";
  const audiences = [["AsMarked", "as marked"], ["Partners", "partners"]];
  for (const p of v.partners) audiences.push([{ Partner: p.id }, `partner ${p.id}`]);
  audiences.push(["Hub", "the hub"], ["Contacts", "every contact"], ["Public", "public"]);
  audiences.forEach(([, label], i) => {
    const o = el("option", "", label);
    o.value = String(i);
    to.appendChild(o);
  });
  r.append(tlp, to);
  button(r, "Share", () => {
    const [audience, label] = audiences[Number(to.value)];
    const share = { team: v.team.id, tlp: tlp.value };
    if (audience !== "AsMarked") share.to = audience;
    const marking = tlp.options[tlp.selectedIndex].textContent;
    order({ ShareIntel: share }, `share with ${label} (${marking})`);
  }, "share the latest incident");
}

function list(id, lines) {
  const ul = clear($(id));
  for (const line of lines) ul.appendChild(el("li", "", line));
}

function drawWork() {
  const v = state.view;
  // Leaders follow what the public sees; the technical desk is for the responders; the hub
  // works from its dashboard.
  $("work").hidden = v.leads || !!v.hub;
  $("services").hidden = !v.leads;
  if (v.leads) {
    const g = state.geography;
    const lines = [];
    v.islands.forEach((known, i) => {
      if (known.services_down > 0 || known.dark) {
        lines.push(`${g ? g.islands[i].name : i}: ${known.services_down} down${known.dark ? ", no power" : ""}`);
      }
    });
    list("services-down", lines.length ? lines : ["none known"]);
  }
  $("queue-title").textContent = `Alert queue (${v.queue_total})`;
  $("triaged").textContent = `triaged: ${v.triaged[0]} confirmed, ${v.triaged[1]} dismissed`;
  list("queue", v.queue.map((a) =>
    `#${a.number} ${a.time} ${a.org} - ${a.technique || "no technique named"}`));
  $("incidents-title").textContent = `Incidents (${v.incidents.length})`;
  list("incidents", v.incidents.map((i) => {
    const found = i.found === null || i.found === undefined ? "not scoped" : `${i.found} hosts found`;
    let line = `#${i.number} ${i.org} - ${i.state}, ${found}, ${i.isolated} isolated`;
    if (i.reopened > 0) line += `, reopened ${i.reopened}x`;
    if (i.waits_on && i.waits_on.length) line += `; waits on: ${i.waits_on.join(", ")}`;
    return line;
  }));
  $("intel-title").textContent = `Intelligence (${v.intel.length})`;
  list("intel", v.intel.map((i) =>
    `item ${i.number} (${i.source}) - ${i.applied ? "applied " + i.applied : "not applied"}`));
}

// ---- the regional hub's dashboard ----

/// Members, items and requests as the hub knows them. The items and requests (with their
/// controls) are rebuilt only when one of them changes, and the choices made survive that.
function drawHub() {
  const h = state.view.hub;
  $("hub").hidden = !h;
  if (!h) return;
  const away = h.analysts_away ? `, ${h.analysts_away} on loan` : "";
  $("hub-staff").textContent = `${h.analysts_home} analysts at the hub${away}` +
    (h.played ? "" : ". Played by the policy: it relays and lends by itself.");
  drawMembers(h);
  const key = JSON.stringify([h.items.map((i) => [i.number, i.state]), h.requests, h.analysts_home]);
  if (key === state.hubFor) return;
  state.hubFor = key;
  const waiting = h.items.filter((i) => i.relayable).length;
  $("hub-items-title").textContent = `Reports and intelligence (${h.items.length}, ${waiting} to decide)`;
  const items = clear($("hub-items"));
  for (let k = h.items.length - 1; k >= 0; k--) items.appendChild(hubItem(h.items[k]));
  const open = h.requests.filter((r) => r.open).length;
  $("hub-requests-title").textContent = `Requests for help (${h.requests.length}, ${open} waiting)`;
  const requests = clear($("hub-requests"));
  if (!h.requests.length) requests.appendChild(el("p", "weak", "none yet"));
  for (const r of h.requests) requests.appendChild(hubRequest(h, r));
}

function drawMembers(h) {
  const t = clear($("hub-members"));
  const head = el("tr");
  for (const c of ["Member", "Contact", "Reports", "Help", "Down", "Reach"]) head.appendChild(el("th", "", c));
  t.appendChild(head);
  for (const m of h.members) {
    const tr = el("tr");
    const help = m.asking ? "asking" : m.helping ? `${m.helping} of ours`
      : m.coming ? `${m.coming} on the way` : "";
    const down = `${m.services_down || ""}${m.dark ? " no power" : ""}`;
    tr.append(el("td", "", m.island.name), el("td", "weak", m.contact || "none"),
      el("td", "", String(m.reports)), el("td", m.asking ? "warning" : "", help),
      el("td", m.services_down || m.dark ? "harm" : "", down),
      el("td", m.reachable ? "" : "harm", m.reachable ? "up" : "cut off"));
    t.appendChild(tr);
  }
}

/// One item: what it says, and while the hub may still decide, the marking (the source's or
/// stricter), the members ticked (none ticked: every member) and Relay / Hold.
function hubItem(i) {
  const div = el("div", i.relayable ? "hub-item open" : "hub-item");
  div.dataset.item = String(i.number);
  const source = LAB.markings.find((m) => m.value === i.marking);
  div.appendChild(el("div", "title",
    `item ${i.number} from ${i.from} (${i.by}), ${source ? source.label : i.marking}, ${i.received}`));
  div.appendChild(el("div", "", `${i.about}: ${i.techniques.join(", ")}`));
  div.appendChild(el("div", i.relayable ? "warning" : "weak", i.state));
  if (!i.relayable) return div;
  const choice = state.hubChoice.get(`item ${i.number}`) || { tlp: i.marking, to: [], advisory: false };
  state.hubChoice.set(`item ${i.number}`, choice);
  const r = el("div", "row");
  const tlp = el("select");
  tlp.className = "relay-tlp";
  const from = LAB.markings.findIndex((m) => m.value === i.marking);
  LAB.markings.forEach((m, k) => {
    if (k < from) return; // a relay may not loosen the source's marking
    const o = el("option", "", m.label);
    o.value = m.value;
    o.title = m.reach;
    tlp.appendChild(o);
  });
  tlp.value = choice.tlp;
  tlp.addEventListener("change", () => { choice.tlp = tlp.value; });
  r.appendChild(tlp);
  for (const m of i.to) {
    const label = el("label");
    const box = el("input");
    box.type = "checkbox";
    box.value = m.id;
    box.checked = choice.to.includes(m.id);
    box.addEventListener("change", () => {
      choice.to = box.checked ? [...choice.to, m.id] : choice.to.filter((x) => x !== m.id);
    });
    label.append(box, document.createTextNode(m.id));
    label.title = m.name;
    r.appendChild(label);
  }
  div.appendChild(r);
  const acts = el("div", "row");
  // A regional advisory reaches every island's organisations: the community, GREEN or CLEAR.
  const advise = el("label", "", " as a regional advisory");
  const box = el("input");
  box.type = "checkbox";
  box.className = "relay-advisory";
  box.checked = choice.advisory;
  box.addEventListener("change", () => { choice.advisory = box.checked; });
  const community = () => {
    const ok = tlp.value === "Clear" || tlp.value === "Green";
    box.disabled = !ok;
    if (!ok) box.checked = choice.advisory = false;
  };
  tlp.addEventListener("change", community);
  community();
  advise.insertBefore(box, advise.firstChild);
  advise.title = "every island's organisations pick it up, members or not (TLP:GREEN or CLEAR)";
  button(acts, "Relay", () => {
    const relay = { team: state.view.team.id, item: i.number, tlp: choice.tlp };
    if (choice.to.length) relay.to = choice.to;
    if (choice.advisory) relay.advisory = true;
    const whom = choice.to.length ? choice.to.join(", ") : "every member";
    order({ Relay: relay }, `relay item ${i.number} to ${whom} (${tlp.options[tlp.selectedIndex].textContent})` +
      (choice.advisory ? " and as an advisory" : ""));
  }, "vet it and send it on: no member ticked sends it to every member");
  acts.appendChild(advise);
  if (i.holdable) {
    button(acts, "Hold", () => order({ HoldIntel: { team: state.view.team.id, item: i.number } },
      `hold item ${i.number}`), "keep it at the hub for now");
  }
  div.appendChild(acts);
  return div;
}

/// One request: who asked and when; while it waits, how many analysts and how they go.
function hubRequest(h, r) {
  const div = el("div", r.open ? "hub-request open" : "hub-request");
  div.dataset.team = r.team.id;
  div.appendChild(el("div", "", `${r.team.name} asked at ${r.asked}: ${r.state}`));
  if (!r.open) return div;
  const spare = Math.max(0, h.analysts_home - 1);
  const key = `request ${r.team.id} ${r.asked}`;
  const choice = state.hubChoice.get(key) || { analysts: Math.min(2, spare), onSite: true };
  state.hubChoice.set(key, choice);
  const row = el("div", "row");
  const n = el("input");
  n.type = "number";
  n.min = "1";
  n.max = String(Math.max(1, spare));
  n.value = String(Math.max(1, choice.analysts));
  n.addEventListener("change", () => { choice.analysts = Number(n.value); });
  const how = el("select");
  for (const [value, label] of [["site", "on site (they fly)"], ["remote", "remote"]]) {
    const o = el("option", "", label);
    o.value = value;
    how.appendChild(o);
  }
  how.value = choice.onSite || r.unreachable ? "site" : "remote";
  if (r.unreachable) how.title = "the island is cut off: only on site";
  how.addEventListener("change", () => { choice.onSite = how.value === "site"; });
  const label = el("label", "", "analysts ");
  label.appendChild(n);
  row.append(label, how);
  button(row, "Send", () => {
    const analysts = Number(n.value);
    const onSite = how.value === "site";
    order({ SendAnalysts: { team: state.view.team.id, to: r.team.id, analysts, on_site: onSite } },
      `send ${analysts} to ${r.team.id} ${onSite ? "on site" : "remote"}`);
  }, `${spare} to spare: the hub keeps one at home`);
  div.appendChild(row);
  return div;
}

const TONE = { Routine: "", Defence: "defence", Warning: "warning", Harm: "harm" };

function drawFeed() {
  const ol = clear($(state.facilitator ? "wc-feed" : "feed"));
  // Newest first: on a phone the latest is at hand without scrolling.
  for (let i = state.feed.length - 1; i >= 0; i--) {
    const f = state.feed[i];
    const li = el("li", TONE[f.tone] || "");
    li.appendChild(el("span", "time", f.time));
    li.appendChild(document.createTextNode(f.text));
    ol.appendChild(li);
  }
}

// ---- the map ----

/// The island's state as the native seat colours it (src/console/map.rs, state_colour).
function stateOf(v) {
  if (v.services_down > 0 || v.encrypted) return ["#e1463c", "impact"];
  if (v.held > 0 && !v.detected) return ["#f0be3c", "intruder unseen"];
  if (v.held > 0 || (v.incidents > 0 && v.detected)) return ["#f08232", "responding"];
  return ["#4696d2", "calm"];
}

function svg(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, val] of Object.entries(attrs)) e.setAttribute(k, String(val));
  if (text !== undefined) e.textContent = text;
  return e;
}

function drawMap() {
  const g = state.geography;
  if (!g || !g.islands.length) return;
  const v = state.view;
  const W = 800, H = 760, side = 150, top = 40;
  // The host's projection (the same as every map of the region's, across the 180th meridian
  // too): degrees from the top-left corner.
  const w = Math.max(0.5, ...g.islands.map((i) => i.x || 0));
  const h = Math.max(0.5, ...g.islands.map((i) => i.y || 0));
  const scale = Math.min((W - 2 * side) / w, (H - 2 * top) / h);
  const [x0, y0] = [(W - w * scale) / 2, (H - h * scale) / 2];
  const at = g.islands.map((i) => [x0 + (i.x || 0) * scale, y0 + (i.y || 0) * scale]);
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "the region as the team knows it" });
  const cut = v ? v.links_cut : [];
  g.links.forEach((l, n) => {
    let [a, b] = [at[l.a], at[l.b]];
    if (!a || !b) return;
    // Links between the same two islands side by side, 6 px apart.
    const lane = (l.lane || 0) * 6, len = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1;
    const [nx, ny] = [-(b[1] - a[1]) / len * lane, (b[0] - a[0]) / len * lane];
    [a, b] = [[a[0] + nx, a[1] + ny], [b[0] + nx, b[1] + ny]];
    const up = !cut.includes(n);
    const cable = l.kind === "SubmarineCable" || l.kind === "Terrestrial";
    const colour = !up ? "#c83c3c" : cable ? "#508cbe" : "#96966e";
    const line = { x1: a[0], y1: a[1], x2: b[0], y2: b[1], stroke: colour, "stroke-width": cable ? 2 : 1.5 };
    if (!cable) line["stroke-dasharray"] = "6 4";
    root.appendChild(svg("line", line));
  });
  clear($("map")).appendChild(root);
  // What a label must not cover: every island's disc; then each label placed.
  const radius = g.islands.map((isl) => Math.min(6 + Math.sqrt(isl.population) / 60, 16));
  const taken = at.map(([x, y], n) => box(x - radius[n] - 3, y - radius[n] - 3, x + radius[n] + 3, y + radius[n] + 3));
  g.islands.forEach((isl, n) => {
    const [x, y] = at[n];
    const r = radius[n];
    const known = (v && v.islands[n]) || { ever_compromised: 0, held: 0, encrypted: false, detected: false, incidents: 0, services_down: 0, dark: false, intel_items: 0 };
    const [colour, what] = stateOf(known);
    const shape = isl.mainland
      ? svg("rect", { x: x - r, y: y - r, width: 2 * r, height: 2 * r, rx: 2, fill: colour })
      : svg("circle", { cx: x, cy: y, r, fill: colour });
    shape.appendChild(svg("title", {}, `${isl.name}: ${what}`));
    root.appendChild(shape);
    if (isl.csirt || isl.npc) {
      root.appendChild(svg("circle", { cx: x, cy: y, r: r + 3, fill: "none", stroke: isl.csirt ? "#78e696" : "#c8c8c8", "stroke-width": isl.csirt ? 2 : 1 }));
    }
    let detail = known.ever_compromised > 0 ? `${what} - ${known.held} held, ${known.incidents} incidents` : what;
    if (known.intel_items > 0) detail += `, ${known.intel_items} intel`;
    if (known.dark) {
      detail += " - POWER OUT";
      root.appendChild(svg("circle", { cx: x, cy: y, r: r + 6, fill: "none", stroke: "#fafa78", "stroke-width": 2 }));
    }
    const label = svg("g", { class: "label", "data-island": isl.id });
    label.appendChild(svg("text", { x: 0, y: 0, class: "name" }, isl.name));
    label.appendChild(svg("text", { x: 0, y: 18, class: "detail", fill: colour }, detail));
    root.appendChild(label);
    const b = label.getBBox();
    const spot = labelSpot(x, y, r, b.width, b.height, box(0, 0, W, H), taken);
    taken.push(spot);
    label.setAttribute("transform", `translate(${spot.left - b.x} ${spot.top - b.y})`);
    // A thin line to its island when the label had to go farther than beside it.
    const [nx, ny] = [Math.min(Math.max(x, spot.left), spot.right), Math.min(Math.max(y, spot.top), spot.bottom)];
    const away = Math.hypot(nx - x, ny - y);
    if (away > r + 12) {
      const [fx, fy] = [x + (nx - x) / away * (r + 2), y + (ny - y) / away * (r + 2)];
      root.appendChild(svg("line", { x1: fx, y1: fy, x2: nx, y2: ny, stroke: "#969696", "stroke-width": 1, class: "leader" }));
    }
  });
}

function box(left, top, right, bottom) {
  return { left, top, right, bottom };
}

function overlap(a, b) {
  const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
  const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
  return w > 0 && h > 0 ? w * h : 0;
}

/// Where an island's label goes, as the console places it: beside it, level; then at its
/// corners; then centred above or below; then beside it a line or more up or down. The first
/// spot inside the map that covers nothing taken, else the one that covers least.
function labelSpot(x, y, r, w, h, area, taken) {
  const gap = r + 6, d = gap * Math.SQRT1_2;
  const corners = [[x + gap, y - h / 2], [x - gap - w, y - h / 2], [x + d, y - d - h], [x - d - w, y - d - h],
    [x + d, y + d], [x - d - w, y + d], [x - w / 2, y - gap - h], [x - w / 2, y + gap]];
  for (const dy of [-0.6, 0.6, -1.2, 1.2, -1.8, 1.8]) {
    corners.push([x + gap, y - h / 2 + dy * h], [x - gap - w, y - h / 2 + dy * h]);
  }
  let best = null;
  for (const [cx, cy] of corners) {
    const spot = box(cx, cy, cx + w, cy + h);
    const outside = w * h - overlap(spot, area) > 0.5 ? w * h - overlap(spot, area) + 1e4 : 0;
    const cost = outside + taken.reduce((sum, t) => sum + overlap(spot, t), 0);
    if (cost === 0) return spot;
    if (!best || cost < best.cost) best = { cost, spot };
  }
  return best.spot;
}

setup();
