// Longshore dashboard: one view at a time, read from /_longshore/ui/api/
// (a snapshot, then patches pushed as Server-Sent Events), acting through
// the AWS APIs and the /_longshore control endpoints after a confirmation.
"use strict";

const ECS_TARGET = "AmazonEC2ContainerServiceV20141113";
const main = document.getElementById("main");
const live = document.getElementById("live");
const scopeSelect = document.getElementById("scope");

let route = { account: "000000000000", region: "", view: "clusters", id: "" };
let data = {};        // section name -> { item id -> item }
let source = null;    // the EventSource of the current view
let renderQueued = false;
let defaultRegion = "us-east-1";

// ----- DOM helpers (text is always set as text, never as markup) -----

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "style") Object.assign(el.style, v);
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function badge(status, extra) {
  const s = status || "—";
  return h("span", { class: "badge s-" + String(s).replace(/[^A-Za-z_]/g, "") + (extra ? " " + extra : "") }, s);
}

function last(arn) { const s = String(arn || ""); return s.slice(s.lastIndexOf("/") + 1); }
function short(id) { return String(id || "").slice(0, 8); }
function items(section) { return Object.values(data[section] || {}); }
function when(s) { if (!s) return ""; const d = new Date(s); return isNaN(d) ? s : d.toLocaleTimeString(); }

function href(view, id, r) {
  r = r || route;
  let s = "#/" + r.account + "/" + r.region + "/" + view;
  if (id) s += "/" + encodeURIComponent(id);
  return s;
}
function link(view, id, text, attrs) { return h("a", Object.assign({ href: href(view, id) }, attrs || {}), text); }

// ----- Routing -----

function parseHash() {
  const parts = location.hash.replace(/^#\/?/, "").split("/");
  const r = { account: "000000000000", region: defaultRegion, view: "clusters", id: "" };
  if (parts.length >= 3 && /^\d{12}$/.test(parts[0])) {
    r.account = parts[0];
    r.region = parts[1] || defaultRegion;
    r.view = parts[2] || "clusters";
    r.id = parts.length > 3 ? decodeURIComponent(parts.slice(3).join("/")) : "";
  }
  return r;
}

function navigate() {
  const r = parseHash();
  const changed = r.account !== route.account || r.region !== route.region || r.view !== route.view || r.id !== route.id;
  route = r;
  for (const a of document.querySelectorAll("#nav a")) {
    a.href = href(a.dataset.view, "", r);
    if (a.dataset.view === r.view) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
  syncScope();
  if (changed || !source) open();
}

function open() {
  if (source) source.close();
  data = {};
  main.replaceChildren(h("p", {}, "Loading…"));
  const q = new URLSearchParams({ account: route.account, region: route.region, view: route.view, id: route.id });
  source = new EventSource("api/events?" + q.toString());
  const mine = source;
  source.addEventListener("snapshot", (e) => {
    if (mine !== source) return;
    const msg = JSON.parse(e.data);
    data = msg.sections || {};
    setLive(true);
    render(true);
  });
  source.addEventListener("patch", (e) => {
    if (mine !== source) return;
    const msg = JSON.parse(e.data);
    for (const [name, p] of Object.entries(msg.sections || {})) {
      const sec = data[name] || (data[name] = {});
      for (const id of p.del || []) delete sec[id];
      for (const [id, v] of Object.entries(p.set || {})) sec[id] = v;
    }
    queueRender();
  });
  source.addEventListener("open", () => setLive(true));
  source.addEventListener("error", () => { if (mine === source) setLive(false); });
}

function setLive(on) {
  live.textContent = on ? "Live" : "Reconnecting…";
  live.classList.toggle("off", !on);
}

function queueRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => { renderQueued = false; render(false); });
}

// render draws the current view, keeping keyboard focus on the element
// with the same data-key.
function render(first) {
  const active = document.activeElement;
  const focusKey = active && main.contains(active) ? active.getAttribute("data-key") : null;
  const view = views[route.view] || views.clusters;
  let content;
  try {
    content = view();
  } catch (err) {
    content = [h("p", { class: "error" }, "This view could not be drawn: " + err.message)];
  }
  main.replaceChildren(...[].concat(content).flat(Infinity).filter((x) => x !== null && x !== undefined && x !== false));
  if (focusKey) {
    const again = main.querySelector('[data-key="' + CSS.escape(focusKey) + '"]');
    if (again) again.focus();
  }
  if (first) document.title = titleOf() + " · Longshore";
}

function titleOf() {
  switch (route.view) {
    case "cluster": return "Cluster " + last(route.id);
    case "service": return "Service " + last(route.id);
    case "task": return "Task " + short(last(route.id));
    case "lbs": return "Load balancers";
    case "asgs": return "Auto Scaling groups";
    case "alarms": return "Alarms";
    default: return "Clusters";
  }
}

// ----- Account and region -----

async function loadScopes() {
  try {
    const res = await fetch("api/scopes");
    const body = await res.json();
    defaultRegion = body.defaultRegion || defaultRegion;
    const seen = new Set();
    const opts = [];
    for (const s of body.scopes || []) {
      const v = s.account + "/" + s.region;
      if (seen.has(v)) continue;
      seen.add(v);
      opts.push(h("option", { value: v }, s.account + " · " + s.region));
    }
    scopeSelect.replaceChildren(...opts);
  } catch (e) { /* the list stays as it is */ }
  syncScope();
}

function syncScope() {
  if (!route.region) return;
  const v = route.account + "/" + route.region;
  if (![...scopeSelect.options].some((o) => o.value === v)) scopeSelect.append(h("option", { value: v }, route.account + " · " + route.region));
  scopeSelect.value = v;
}

scopeSelect.addEventListener("change", () => {
  const [account, region] = scopeSelect.value.split("/");
  location.hash = href("clusters", "", { account, region });
});
scopeSelect.addEventListener("focus", loadScopes);

// ----- Actions: confirmed, then sent to the AWS API or a control endpoint -----

const dialog = document.getElementById("confirm");
const dialogForm = document.getElementById("confirm-form");
let pending = null;

// confirmAction asks before running act(values); fields are inputs to show.
function confirmAction(title, text, fields, act, okLabel) {
  document.getElementById("confirm-title").textContent = title;
  document.getElementById("confirm-text").textContent = text;
  document.getElementById("confirm-error").textContent = "";
  document.getElementById("confirm-ok").textContent = okLabel || title;
  const box = document.getElementById("confirm-fields");
  box.replaceChildren(...(fields || []).map((f) => {
    const id = "f-" + f.name;
    const input = f.options
      ? h("select", { id, name: f.name }, f.options.map((o) => h("option", { value: o, selected: o === f.value }, o)))
      : h("input", { id, name: f.name, type: f.type || "text", value: f.value ?? "", min: f.min, max: f.max, step: f.step, required: true });
    return [h("label", { for: id }, f.label), input];
  }).flat());
  pending = act;
  dialog.showModal();
  const first = box.querySelector("input, select");
  (first || document.getElementById("confirm-ok")).focus();
}

document.getElementById("confirm-cancel").addEventListener("click", () => { pending = null; dialog.close(); });
dialogForm.addEventListener("submit", async (e) => {
  e.preventDefault();
  if (!pending) return dialog.close();
  const values = Object.fromEntries(new FormData(dialogForm).entries());
  const ok = document.getElementById("confirm-ok");
  ok.disabled = true;
  try {
    await pending(values);
    pending = null;
    dialog.close();
  } catch (err) {
    document.getElementById("confirm-error").textContent = err.message;
  } finally {
    ok.disabled = false;
  }
});

// The credential names the account (a 12-digit key id) and the region;
// Longshore does not check signatures.
async function ecs(op, body) {
  const date = new Date().toISOString().slice(0, 10).replace(/-/g, "");
  const res = await fetch("/", {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": ECS_TARGET + "." + op,
      "Authorization": "AWS4-HMAC-SHA256 Credential=" + route.account + "/" + date + "/" + route.region +
        "/ecs/aws4_request, SignedHeaders=host, Signature=0",
    },
    body: JSON.stringify(body),
  });
  const out = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error((out.__type || "Error").replace(/^.*#/, "") + ": " + (out.message || out.Message || res.status));
  return out;
}

async function control(method, path, body) {
  const res = await fetch("/_longshore" + path, {
    method, headers: { "Content-Type": "application/json" },
    body: JSON.stringify(Object.assign({ account: route.account, region: route.region }, body)),
  });
  const out = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error((out.error || "Error") + ": " + (out.message || res.status));
  return out;
}

function stopTaskButton(t) {
  return h("button", {
    type: "button", class: "stop-task", "data-key": "stop:" + t.arn, "aria-label": "Stop task " + t.id,
    onclick: () => confirmAction("Stop task", "Stop task " + t.id + "? A service replaces it.", [],
      () => ecs("StopTask", { cluster: clusterOfTask(t.arn), task: t.arn, reason: "Stopped from the Longshore dashboard" })),
  }, "Stop task");
}

function clusterOfTask(arn) {
  const m = /^(arn:[^:]+:ecs:[^:]+:\d+:)task\/([^/]+)\//.exec(arn);
  return m ? m[1] + "cluster/" + m[2] : "";
}

// ----- Views -----

const views = {
  clusters() {
    const out = [h("h1", {}, "Clusters")];
    const cls = items("clusters").sort((a, b) => a.name.localeCompare(b.name));
    if (!cls.length) out.push(h("p", { class: "empty" }, "No clusters in " + route.account + " · " + route.region + "."));
    out.push(h("div", { class: "grid" }, cls.map((c) => h("section", { class: "card cluster-card", "aria-label": "Cluster " + c.name },
      h("h2", {}, link("cluster", c.arn, c.name, { "data-key": "c:" + c.arn }), " ", badge(c.status)),
      h("ul", { class: "stats" },
        h("li", {}, h("b", {}, c.instances), " instances"),
        h("li", {}, h("b", {}, c.services), " services"),
        h("li", {}, h("b", { class: "task-count" }, c.tasks), " tasks")),
      h("p", { class: "muted" }, "Capacity providers: ", c.capacityProviders.length ? c.capacityProviders.join(", ") : "none"),
      c.strategy && c.strategy.length ? h("p", { class: "muted" }, "Default strategy: ",
        c.strategy.map((s) => s.CapacityProvider + " (weight " + (s.Weight || 0) + ", base " + (s.Base || 0) + ")").join("; ")) : null))));
    const cps = items("providers");
    out.push(h("h2", {}, "Capacity providers"));
    if (!cps.length) out.push(h("p", { class: "empty" }, "FARGATE and FARGATE_SPOT only."));
    else out.push(table(["Name", "Status", "Auto Scaling group", "Managed scaling"], cps.map((p) =>
      [p.name, badge(p.status), p.autoScalingGroup || "—", p.managedScaling ? p.managedScaling + " (target " + p.targetCapacity + "%)" : "—"])));
    return out;
  },

  cluster() {
    const c = Object.values(data.cluster || {})[0];
    if (!c) return [crumbs(), h("p", { class: "empty" }, "Cluster not found.")];
    const out = [crumbs(), h("h1", {}, "Cluster ", c.name, " ", badge(c.status)),
      h("ul", { class: "stats" }, h("li", {}, h("b", {}, c.instances), " instances"), h("li", {}, h("b", {}, c.services), " services"),
        h("li", {}, h("b", {}, c.tasks), " tasks"))];
    const svcs = items("services").sort((a, b) => a.name.localeCompare(b.name));
    out.push(h("h2", {}, "Services"));
    if (!svcs.length) out.push(h("p", { class: "empty" }, "No services."));
    else out.push(table(["Service", "Status", "Desired", "Running", "Pending"], svcs.map((s) =>
      [link("service", s.arn, s.name, { "data-key": "s:" + s.arn }), badge(s.status), s.desired, s.running, s.pending])));
    const tasks = items("tasks");
    const byInstance = {};
    const fargate = {};
    for (const t of tasks) {
      if (t.instance) (byInstance[t.instance] = byInstance[t.instance] || []).push(t);
      else (fargate[t.zone || "unknown zone"] = fargate[t.zone || "unknown zone"] || []).push(t);
    }
    const insts = items("instances").sort((a, b) => (a.zone + a.ec2InstanceId).localeCompare(b.zone + b.ec2InstanceId));
    out.push(h("h2", {}, "Container instances"));
    if (!insts.length) out.push(h("p", { class: "empty" }, "No container instances."));
    else out.push(h("div", { class: "instances" }, insts.map((i) => instanceBox(i, byInstance[i.arn] || []))));
    const zones = Object.keys(fargate).sort();
    out.push(h("h2", {}, "Fargate tasks by availability zone"));
    if (!zones.length) out.push(h("p", { class: "empty" }, "No Fargate tasks."));
    else out.push(h("div", { class: "instances" }, zones.map((z) => h("section", { class: "instance fargate", "aria-label": "Fargate tasks in " + z + ": " + fargate[z].length },
      h("h3", {}, z, " ", h("span", { class: "muted" }, fargate[z].length + " tasks")),
      slots(fargate[z])))));
    return out;
  },

  service() {
    const s = Object.values(data.service || {})[0];
    if (!s) return [crumbs(), h("p", { class: "empty" }, "Service not found.")];
    const out = [crumbs(s.cluster), h("h1", {}, "Service ", s.name, " ", badge(s.status)),
      h("ul", { class: "stats", "aria-label": "Task counts" },
        h("li", {}, h("b", { id: "desired" }, s.desired), " desired"), h("li", {}, h("b", { id: "running" }, s.running), " running"),
        h("li", {}, h("b", { id: "pending" }, s.pending), " pending"),
        h("li", { class: "muted" }, s.taskDefinition), h("li", { class: "muted" }, s.launchType || "capacity providers"),
        h("li", { class: "muted" }, s.controller + " · " + s.strategy)),
      h("div", { class: "actions" },
        h("button", { type: "button", id: "set-desired", "data-key": "desired", onclick: () => confirmAction("Change desired count",
          "Set the desired count of " + s.name + ".", [{ name: "desired", label: "Desired count", type: "number", min: 0, value: s.desired }],
          (v) => ecs("UpdateService", { cluster: s.cluster, service: s.arn, desiredCount: Number(v.desired) }), "Update service") }, "Change desired count"),
        h("button", { type: "button", id: "set-load", "data-key": "load", onclick: () => confirmAction("Set simulated load",
          "Set the CPU and memory utilization " + s.name + "'s tasks report (percent).",
          [{ name: "cpu", label: "CPU %", type: "number", min: 0, step: "any", value: 50 }, { name: "memory", label: "Memory %", type: "number", min: 0, step: "any", value: 50 }],
          (v) => control("PUT", "/ecs/load", { cluster: s.cluster, service: s.name, cpu: Number(v.cpu), memory: Number(v.memory) }), "Set load") }, "Set load"))];

    out.push(h("h2", {}, "Deployments"));
    const tgs = items("lb");
    out.push(h("div", { class: "grid" }, s.deployments.map((d) => {
      const pct = d.DesiredCount ? Math.round(100 * d.RunningCount / d.DesiredCount) : (d.RunningCount ? 100 : 0);
      return h("section", { class: "card deployment", "aria-label": "Deployment " + d.Status },
        h("h3", {}, badge(d.Status, "dep"), " ", d.RolloutState ? badge(d.RolloutState) : null, " ", h("span", { class: "muted mono" }, last(d.TaskDefinition))),
        h("label", { for: "p-" + d.Id }, d.RunningCount + " of " + d.DesiredCount + " running, " + d.PendingCount + " pending" + (d.FailedTasks ? ", " + d.FailedTasks + " failed" : "")),
        h("progress", { id: "p-" + d.Id, max: Math.max(d.DesiredCount, 1), value: Math.min(d.RunningCount, Math.max(d.DesiredCount, 1)) }, pct + "%"),
        d.RolloutStateReason ? h("p", { class: "muted" }, d.RolloutStateReason) : null,
        h("p", { class: "muted" }, "Started ", when(d.CreatedAt), " · updated ", when(d.UpdatedAt)));
    })));
    const weighted = tgs.filter((t) => t.weight >= 0);
    if (weighted.length) {
      const total = weighted.reduce((n, t) => n + t.weight, 0) || 1;
      const label = "Traffic: " + weighted.map((t) => t.name + " " + Math.round(100 * t.weight / total) + "%").join(", ");
      out.push(h("h3", {}, "Traffic (" + s.strategy + ")"),
        h("div", { class: "weights", role: "img", "aria-label": label }, weighted.map((t, i) =>
          h("span", { class: "w" + (i % 3), style: { width: (100 * t.weight / total) + "%" } }, t.weight ? t.name + " " + Math.round(100 * t.weight / total) + "%" : ""))),
        h("p", { class: "muted" }, label));
    }
    const sds = items("deployments").sort((a, b) => String(b.CreatedAt).localeCompare(String(a.CreatedAt)));
    if (sds.length) {
      out.push(h("h3", {}, "Service deployments"));
      out.push(table(["Deployment", "Status", "Stage", "Target revision", "Started"], sds.map((d) =>
        [h("span", { class: "mono" }, last(d.ServiceDeploymentArn)), badge(d.Status), d.LifecycleStage || "—",
          d.TargetServiceRevision ? last(d.TargetServiceRevision.Arn) : "—", when(d.StartedAt || d.CreatedAt)])));
    }

    const tasks = items("tasks");
    const liveTasks = tasks.filter((t) => t.lastStatus !== "STOPPED").sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const stopped = tasks.filter((t) => t.lastStatus === "STOPPED").sort((a, b) => b.stoppedAt.localeCompare(a.stoppedAt)).slice(0, 10);
    out.push(h("h2", {}, "Tasks"));
    const rows = liveTasks.concat(stopped).map((t) => [
      link("task", t.arn, short(t.id), { class: "mono", "data-key": "t:" + t.arn, "data-task-id": t.id, "aria-label": "Task " + t.id }),
      [badge(t.lastStatus), t.desiredStatus !== t.lastStatus ? [" → ", badge(t.desiredStatus)] : null],
      badge(t.health), t.revision, t.zone, h("span", { class: "mono" }, t.address || "—"),
      t.stoppedReason ? (t.stopCode ? t.stopCode + ": " : "") + t.stoppedReason : "—",
      t.desiredStatus === "RUNNING" ? stopTaskButton(t) : ""]);
    if (!rows.length) out.push(h("p", { class: "empty" }, "No tasks."));
    else out.push(table(["Task", "Status", "Health", "Revision", "Zone", "Address", "Stop reason", "Action"], rows, "service-tasks"));

    out.push(h("h2", {}, "Load balancers"));
    if (!tgs.length) out.push(h("p", { class: "empty" }, "No load balancer."));
    for (const tg of tgs.sort((a, b) => a.role.localeCompare(b.role) * -1)) {
      out.push(h("h3", {}, tg.name, " ", h("span", { class: "muted" }, tg.protocol + ":" + tg.port + " · " + tg.role + (tg.weight >= 0 ? " · weight " + tg.weight : ""))));
      if (!tg.targets.length) out.push(h("p", { class: "empty" }, "No targets."));
      else out.push(table(["Target", "Port", "Health", "Reason", "Action"], tg.targets.map((t) => [
        h("span", { class: "mono" }, t.id), t.port, badge(t.state), t.reason || "—",
        h("button", { type: "button", "data-key": "th:" + tg.arn + t.id + t.port, onclick: () => confirmAction("Set target health",
          "Set the health of " + t.id + ":" + t.port + " in " + tg.name + ".",
          [{ name: "state", label: "State", options: ["healthy", "unhealthy"], value: t.state === "healthy" ? "unhealthy" : "healthy" }],
          (v) => control("POST", "/elbv2/target-health", { targetGroupArn: tg.arn, targetId: t.id, port: t.port, state: v.state, reason: v.state === "unhealthy" ? "Target.FailedHealthChecks" : "" }), "Set health") }, "Set health")])));
    }

    out.push(h("h2", {}, "Scaling"));
    const sc = data.scaling || {};
    if (!sc.target) out.push(h("p", { class: "empty" }, "No scalable target."));
    else {
      out.push(h("p", {}, "Scalable target: min ", h("b", {}, sc.target.min), ", max ", h("b", {}, sc.target.max)));
      const pols = Object.entries(sc).filter(([k]) => k.startsWith("policy:")).map(([, v]) => v);
      if (pols.length) out.push(table(["Policy", "Type", "Metric", "Target"], pols.map((p) => [p.name, p.type, p.metric || "—", p.target ?? "—"])));
      const alarms = Object.entries(sc).filter(([k]) => k.startsWith("alarm:")).map(([, v]) => v);
      if (alarms.length) out.push(h("h3", {}, "Alarms"), table(["Alarm", "State", "Reason"], alarms.map((a) => [a.name, badge(a.state), a.reason]), "alarms"));
      const acts = Object.entries(sc).filter(([k]) => k.startsWith("activity:")).map(([, v]) => v).sort((a, b) => b.start.localeCompare(a.start));
      out.push(h("h3", {}, "Scaling activities"));
      if (!acts.length) out.push(h("p", { class: "empty" }, "None yet."));
      else out.push(h("ul", { class: "events", id: "scaling-activities" }, acts.map((a) => h("li", { class: "activity" }, when(a.start), " ", badge(a.status), " ", a.description, a.cause ? h("span", { class: "muted" }, " — " + a.cause) : null))));
    }

    out.push(h("h2", {}, "Events"));
    out.push(h("ul", { class: "events" }, s.events.map((e) => h("li", {}, h("span", { class: "muted" }, when(e.CreatedAt) + " "), e.Message))));
    return out;
  },

  task() {
    const t = Object.values(data.task || {})[0];
    if (!t) return [crumbs(), h("p", { class: "empty" }, "Task not found (stopped tasks are kept for a while only).")];
    const out = [crumbs(t.cluster, t.group.startsWith("service:") ? t.group.slice(8) : ""), h("h1", {}, "Task ", h("span", { class: "mono" }, t.id)),
      h("ul", { class: "stats" }, h("li", {}, badge(t.lastStatus), " → ", badge(t.desiredStatus)), h("li", {}, "health ", badge(t.health)),
        h("li", {}, t.revision), h("li", {}, t.zone), h("li", { class: "mono" }, t.address || ""), h("li", {}, t.launchType)),
      t.stoppedReason ? h("p", {}, h("b", {}, "Stopped: "), (t.stopCode ? t.stopCode + ": " : "") + t.stoppedReason) : null,
      t.desiredStatus === "RUNNING" ? h("div", { class: "actions" }, stopTaskButton(t)) : null,
      h("h2", {}, "Containers"),
      table(["Container", "Image", "Status", "Exit code", "Health", "Reason"], t.containers.map((c) =>
        [c.name, h("span", { class: "mono" }, c.image), badge(c.lastStatus), c.exitCode ?? "—", badge(c.health), c.reason || "—"]))];
    const logs = items("logs");
    out.push(h("h2", {}, "Logs"));
    if (!logs.length) out.push(h("p", { class: "empty" }, "No container uses the awslogs driver."));
    for (const l of logs) {
      out.push(h("h3", {}, l.container, " ", h("span", { class: "muted mono" }, l.group + " › " + l.stream)),
        h("pre", { class: "log", tabindex: 0, "aria-label": "Last lines of " + l.container }, l.lines.length ? l.lines.map((x) => new Date(x.t).toLocaleTimeString() + "  " + x.m).join("\n") : "(no output yet)"));
    }
    return out;
  },

  lbs() {
    const out = [h("h1", {}, "Load balancers")];
    const lbs = items("lbs").sort((a, b) => a.name.localeCompare(b.name));
    if (!lbs.length) out.push(h("p", { class: "empty" }, "No load balancers."));
    out.push(h("div", { class: "grid" }, lbs.map((lb) => h("section", { class: "card", "aria-label": "Load balancer " + lb.name },
      h("h2", {}, lb.name, " ", badge(lb.state)),
      h("p", { class: "muted" }, lb.type + " · " + lb.scheme + " · " + (lb.listeners.join(", ") || "no listeners")),
      h("p", { class: "mono" }, lb.dns),
      lb.targetGroups.map((tg) => h("details", {}, h("summary", {}, tg.name + " (port " + tg.port + "): " +
        (Object.entries(tg.states).map(([k, v]) => v + " " + k).join(", ") || "no targets")),
        tg.targets.length ? table(["Target", "Port", "Health"], tg.targets.map((t) => [h("span", { class: "mono" }, t.id), t.port, badge(t.state)])) : null))))));
    return out;
  },

  asgs() {
    const out = [h("h1", {}, "Auto Scaling groups")];
    const gs = items("groups").sort((a, b) => a.name.localeCompare(b.name));
    if (!gs.length) out.push(h("p", { class: "empty" }, "No Auto Scaling groups."));
    out.push(h("div", { class: "grid" }, gs.map((g) => h("section", { class: "card", "aria-label": "Auto Scaling group " + g.name },
      h("h2", {}, g.name),
      h("ul", { class: "stats" }, h("li", {}, "min ", h("b", {}, g.min)), h("li", {}, "desired ", h("b", {}, g.desired)), h("li", {}, "max ", h("b", {}, g.max))),
      h("details", {}, h("summary", {}, (g.instances || []).length + " instances"),
        (g.instances || []).length ? table(["Instance", "Zone", "Lifecycle", "Health"], g.instances.map((i) => [h("span", { class: "mono" }, i.id), i.zone, badge(i.lifecycle), badge(i.health)])) : null)))));
    const acts = items("activities").sort((a, b) => b.start.localeCompare(a.start));
    out.push(h("h2", {}, "Recent activities"));
    if (!acts.length) out.push(h("p", { class: "empty" }, "None."));
    else out.push(h("ul", { class: "events" }, acts.map((a) => h("li", {}, when(a.start), " ", badge(a.status), " ", a.group, ": ", a.description))));
    return out;
  },

  alarms() {
    const out = [h("h1", {}, "Alarms")];
    const as = items("alarms").sort((a, b) => a.name.localeCompare(b.name));
    if (!as.length) out.push(h("p", { class: "empty" }, "No alarms."));
    else out.push(table(["Alarm", "State", "Metric", "Condition", "Reason", "Updated"], as.map((a) =>
      [a.name, badge(a.state), a.metric, a.comparison + " " + a.threshold, a.reason, when(a.updated)])));
    return out;
  },
};

function crumbs(cluster, service) {
  const parts = [link("clusters", "", "Clusters")];
  if (cluster) parts.push(" › ", link("cluster", cluster, last(cluster)));
  if (service && cluster) parts.push(" › ", link("service", cluster.replace(":cluster/", ":service/") + "/" + service, service));
  return h("nav", { class: "crumbs", "aria-label": "Breadcrumb" }, parts);
}

function table(heads, rows, cls) {
  return h("table", { class: "stack" + (cls ? " " + cls : "") },
    h("thead", {}, h("tr", {}, heads.map((x) => h("th", { scope: "col" }, x)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c, i) => h("td", { "data-label": heads[i] }, c))))));
}

function meter(label, used, total, cls) {
  const pct = total ? Math.round(100 * used / total) : 0;
  const text = label + " " + used + " of " + total + " used, " + (total - used) + " free";
  return h("div", { class: "meter" }, h("span", {}, text),
    h("div", { class: "bar " + cls, role: "img", "aria-label": text + " (" + pct + "%)" }, h("span", { style: { width: pct + "%" } })));
}

function slots(tasks) {
  tasks.sort((a, b) => (a.group + a.createdAt).localeCompare(b.group + b.createdAt));
  return h("div", { class: "slots", role: "list" }, tasks.map((t) => h("a", {
    role: "listitem", href: href("task", t.arn), class: "task " + t.lastStatus, "data-key": "tb:" + t.arn, "data-task-id": t.id,
    title: t.group + " · " + t.lastStatus + " · " + t.revision,
    "aria-label": "Task " + short(t.id) + ", " + t.group + ", " + t.lastStatus + (t.desiredStatus !== "RUNNING" ? " (stopping)" : "") + ", " + t.revision,
  }, h("span", { class: "tid" }, short(t.id)), h("span", { class: "tst" }, t.group.replace(/^service:/, "")), h("span", { class: "tst" }, t.lastStatus))));
}

function instanceBox(i, tasks) {
  const lost = !i.agentConnected;
  return h("section", {
    class: "instance " + i.status + (lost ? " lost" : ""), "data-instance": i.arn,
    "aria-label": "Container instance " + i.ec2InstanceId + ", " + i.type + ", " + i.zone + ", " + i.status + (lost ? ", agent disconnected" : "") + ", " + tasks.length + " tasks",
  },
  h("h3", {}, h("span", { class: "mono" }, i.ec2InstanceId), badge(i.status), lost ? badge("FAILED") : null, h("span", { class: "muted" }, i.type + " · " + i.zone)),
  meter("CPU", i.cpu - i.cpuFree, i.cpu, "cpu"),
  meter("Memory MiB", i.memory - i.memoryFree, i.memory, "mem"),
  slots(tasks),
  h("div", { class: "actions" },
    i.status === "ACTIVE" ? h("button", { type: "button", class: "drain", "data-key": "drain:" + i.arn, onclick: () => confirmAction("Drain instance",
      "Drain " + i.ec2InstanceId + "? Its service tasks move to other instances.", [],
      () => ecs("UpdateContainerInstancesState", { cluster: route.id, containerInstances: [i.arn], status: "DRAINING" }), "Drain") }, "Drain") : null,
    !lost ? h("button", { type: "button", class: "fail-instance", "data-key": "fail:" + i.arn, onclick: () => confirmAction("Fail instance",
      "Fail " + i.ec2InstanceId + "? Its agent disconnects, its tasks stop and services place them elsewhere.", [],
      () => control("POST", "/ecs/container-instances/fail", { cluster: route.id, containerInstance: i.arn }), "Fail instance") }, "Fail instance") : null));
}

// ----- Start -----

window.addEventListener("hashchange", () => { navigate(); main.focus(); });
loadScopes().then(() => { if (!location.hash) location.hash = href("clusters", "", { account: "000000000000", region: defaultRegion }); else navigate(); });
