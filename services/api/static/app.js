// PixelScript Director's page: plain JavaScript, no build step, nothing from a CDN.
// Every API call sends the key in X-API-Key. The event stream is read with fetch()
// rather than EventSource, because EventSource cannot send that header.

const KEY_STORAGE = "pixelscript.apiKey";
const RECENT_PAGE = 8;
// Artifacts offered for download at the end, in this order.
const DOWNLOADS = [
  ["movie", "Movie (MP4)"],
  ["fountain", "Screenplay (Fountain)"],
  ["subtitles_srt", "Subtitles (SRT)"],
  ["subtitles_vtt", "Subtitles (WebVTT)"],
  ["dialogue_mp3", "Soundtrack (MP3)"],
];

const $ = (id) => document.getElementById(id);

const state = {
  jobId: null,
  stream: null, // AbortController of the event stream being read
  shown: {}, // artifact name -> URL already put on the page, per job
  timer: null,
  view: null,
  cursor: null,
};

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.detail) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

// ------------------------------------------------------------------ the key

function apiKey() {
  return localStorage.getItem(KEY_STORAGE) || "";
}

function hashParams() {
  return new URLSearchParams(location.hash.slice(1));
}

function setHash(params) {
  const text = params.toString();
  history.replaceState(null, "", location.pathname + location.search + (text ? `#${text}` : ""));
}

// `pixelscript serve` prints http://host:port/#key=...; take the key and drop it from
// the address bar so it does not linger in history or screenshots.
function adoptKeyFromHash() {
  const params = hashParams();
  const key = params.get("key");
  if (key) {
    localStorage.setItem(KEY_STORAGE, key);
    params.delete("key");
    setHash(params);
  }
}

function showKeyState(message) {
  const saved = Boolean(apiKey());
  $("key-summary").textContent = saved ? "API key saved · change" : "API key needed";
  $("key-panel").open = !saved || Boolean(message);
  $("key-status").textContent = message || (saved ? "Key saved in this browser." : "");
}

// ------------------------------------------------------------------ API calls

async function api(path, options = {}) {
  const headers = { Accept: "application/json", ...(options.headers || {}) };
  if (apiKey()) headers["X-API-Key"] = apiKey();
  const response = await fetch(path, { ...options, headers });
  let body = null;
  const type = response.headers.get("content-type") || "";
  if (type.includes("json")) body = await response.json().catch(() => null);
  if (response.status === 401) showKeyState("The API key is missing or wrong.");
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

// ------------------------------------------------------------------ formatting

function seconds(value) {
  if (value == null) return "";
  return value < 60 ? `${value.toFixed(1)} s` : `${Math.floor(value / 60)} min ${Math.round(value % 60)} s`;
}

function when(iso) {
  const date = new Date(iso);
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

// ------------------------------------------------------------------ the form

async function loadDirectors() {
  try {
    const body = await api("/directors");
    const list = $("director-list");
    list.replaceChildren(
      ...body.directors.map((director) => {
        const option = document.createElement("option");
        option.value = director.name;
        option.label = director.known_for.slice(0, 2).join(", ");
        return option;
      }),
    );
  } catch (error) {
    // The picker is a convenience: any name can still be typed.
  }
}

function clearFieldErrors() {
  for (const node of document.querySelectorAll("#job-form [data-error-for]")) node.textContent = "";
  for (const node of document.querySelectorAll("#job-form [aria-invalid]")) node.removeAttribute("aria-invalid");
  $("form-error").textContent = "";
}

function showFieldErrors(errors) {
  const unplaced = [];
  let first = null;
  for (const { field, message } of errors) {
    const slot = document.querySelector(`#job-form [data-error-for="${CSS.escape(field)}"]`);
    if (!slot) {
      unplaced.push(`${field}: ${message}`);
      continue;
    }
    slot.textContent = message;
    const input = slot.closest(".field").querySelector("input, textarea, select");
    input.setAttribute("aria-invalid", "true");
    first = first || input;
  }
  $("form-error").textContent = unplaced.join(" ");
  if (first) first.focus();
}

async function submitJob(event) {
  event.preventDefault();
  clearFieldErrors();
  const button = $("submit");
  button.disabled = true;
  button.textContent = "Starting…";
  const request = {
    plot: $("plot").value,
    director: $("director").value,
    options: {
      captions: $("captions").value,
      resolution: $("resolution").value,
      max_scenes: Number($("max-scenes").value),
    },
  };
  try {
    const created = await api("/jobs", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(request),
    });
    await openJob(created.job_id);
    refreshJobs();
  } catch (error) {
    if (error.status === 422 && error.body && error.body.errors) showFieldErrors(error.body.errors);
    else if (error.status === 401) $("form-error").textContent = "Enter the API key first (above).";
    else $("form-error").textContent = `Could not start the job: ${error.message}`;
  } finally {
    button.disabled = false;
    button.textContent = "Make the film";
  }
}

// ------------------------------------------------------------------ one job

function renderStages(view) {
  const list = $("stages");
  for (const stage of view.stages) {
    let item = list.querySelector(`li[data-stage="${CSS.escape(stage.name)}"]`);
    if (!item) {
      item = element("li", "stage");
      item.dataset.stage = stage.name;
      item.append(
        element("span", "stage-dot"),
        element("span", "stage-name", stage.name),
        element("span", "stage-title", stage.title),
        element("span", "stage-state"),
        element("span", "stage-time"),
        element("span", "stage-error"),
      );
      list.append(item);
    }
    item.dataset.status = stage.status;
    item.dataset.started = stage.started_at || "";
    item.querySelector(".stage-state").textContent =
      stage.attempts > 1 ? `${stage.status} · try ${stage.attempts}` : stage.status;
    item.querySelector(".stage-time").textContent = seconds(stage.seconds);
    item.querySelector(".stage-error").textContent = stage.error || "";
  }
  tickRunning();
}

// Running stages show their time so far, updated while the page is open.
function tickRunning() {
  for (const item of document.querySelectorAll('#stages li[data-status="running"]')) {
    const started = Date.parse(item.dataset.started);
    if (!Number.isNaN(started)) {
      item.querySelector(".stage-time").textContent = seconds(Math.max(0, (Date.now() - started) / 1000));
    }
  }
}

function storyboardLink(artifacts) {
  if (artifacts.storyboard) return artifacts.storyboard;
  return Object.values(artifacts).find(
    (link) => link.content_type.startsWith("image/") && link.name !== "poster",
  );
}

function renderArtifacts(view) {
  const artifacts = view.artifacts;
  if (artifacts.script && !state.shown.script) {
    state.shown.script = true;
    loadScript(artifacts.script.url, artifacts.fountain && artifacts.fountain.url);
  }
  const board = storyboardLink(artifacts);
  if (board && !state.shown.storyboard) {
    state.shown.storyboard = true;
    $("storyboard").src = board.url;
    $("storyboard-link").href = board.url;
    $("storyboard-section").hidden = false;
  }
  if (artifacts.movie && view.status === "succeeded" && !state.shown.movie) {
    state.shown.movie = true;
    const player = $("player");
    if (artifacts.poster) player.poster = artifacts.poster.url;
    player.replaceChildren();
    if (artifacts.subtitles_vtt) {
      const track = document.createElement("track");
      Object.assign(track, { kind: "subtitles", srclang: "en", label: "English", src: artifacts.subtitles_vtt.url });
      player.append(track);
    }
    player.src = artifacts.movie.url;
    $("player-section").hidden = false;
  }
  if (view.status === "succeeded" || view.status === "failed") {
    const items = DOWNLOADS.filter(([name]) => artifacts[name]).map(([name, label]) => {
      const item = element("li");
      const link = element("a", "download", label);
      link.href = artifacts[name].download_url;
      link.download = artifacts[name].filename;
      link.dataset.artifact = name;
      item.append(link);
      return item;
    });
    $("downloads").replaceChildren(...items);
    $("downloads-section").hidden = items.length === 0;
  }
}

function renderJob(view) {
  state.view = view;
  $("job").hidden = false;
  $("job-meta").textContent = `${view.director} · “${view.plot_excerpt}” · started ${when(view.created_at)}`;
  const current = view.stages.find((stage) => stage.name === view.current_stage);
  const label = {
    queued: "Waiting for a worker…",
    running: current ? `${current.title}…` : "Working…",
    succeeded: "Finished.",
    failed: "Failed.",
  }[view.status];
  $("job-status").textContent = label;
  $("job-status").dataset.status = view.status;
  $("job").dataset.status = view.status;
  $("job-error").textContent = view.error || "";
  renderStages(view);
  renderArtifacts(view);
}

function resetJobView() {
  state.shown = {};
  $("stages").replaceChildren();
  $("script").replaceChildren();
  for (const id of ["player-section", "downloads-section", "storyboard-section", "script-section"]) $(id).hidden = true;
  const player = $("player");
  player.removeAttribute("src");
  player.removeAttribute("poster");
  player.replaceChildren();
  player.load();
  $("storyboard").removeAttribute("src");
  $("storyboard-link").href = "#";
}

async function openJob(jobId) {
  if (state.stream) state.stream.abort();
  state.jobId = jobId;
  const params = hashParams();
  params.set("job", jobId);
  setHash(params);
  resetJobView();
  const view = await api(`/jobs/${jobId}`);
  renderJob(view);
  $("job").scrollIntoView({ behavior: "smooth", block: "start" });
  if (view.status !== "succeeded" && view.status !== "failed") follow(jobId);
}

// ------------------------------------------------------------------ the event stream

function parseEvent(block) {
  let event = "message";
  const data = [];
  for (const line of block.split("\n")) {
    if (!line || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  return data.length ? { event, data: data.join("\n") } : null;
}

// Returns true when the job is over (the `end` event).
function handleEvent({ event, data }) {
  const payload = JSON.parse(data);
  if (event === "job") renderJob(payload);
  else if (event === "stage") renderJob(payload.job);
  else if (event === "end") {
    renderJob(payload);
    refreshJobs();
    return true;
  }
  return false;
}

async function follow(jobId) {
  const controller = new AbortController();
  state.stream = controller;
  for (let attempt = 0; !controller.signal.aborted; attempt += 1) {
    try {
      const headers = { Accept: "text/event-stream", "X-API-Key": apiKey() };
      const response = await fetch(`/jobs/${jobId}/events`, { headers, signal: controller.signal, cache: "no-store" });
      if (response.status === 401) return showKeyState("The API key is missing or wrong.");
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value.replace(/\r\n?/g, "\n");
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const parsed = parseEvent(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          if (parsed && handleEvent(parsed)) return;
        }
      }
      attempt = 0;
    } catch (error) {
      if (controller.signal.aborted) return;
    }
    // The stream ended before the job did (a restart, a dropped connection): come back.
    await new Promise((resolve) => setTimeout(resolve, Math.min(10000, 1000 * (attempt + 1))));
  }
}

// ------------------------------------------------------------------ the screenplay

async function loadScript(jsonUrl, fountainUrl) {
  $("script-section").hidden = false;
  try {
    const response = await fetch(jsonUrl);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    renderScript(await response.json());
  } catch (error) {
    if (!fountainUrl) return;
    const response = await fetch(fountainUrl);
    if (response.ok) $("script").replaceChildren(element("pre", "fountain", await response.text()));
  }
}

function renderScript(script) {
  const parts = [element("h4", "sp-title", script.title)];
  parts.push(element("p", "sp-credit", `in the style of ${script.director}`));
  parts.push(element("p", "sp-logline", script.logline));
  for (const scene of script.scenes) {
    if (scene.title_card) parts.push(element("p", "sp-card", scene.title_card));
    parts.push(element("p", "sp-heading", `${scene.number}. ${scene.heading}`));
    parts.push(element("p", "sp-action", scene.description));
    for (const line of scene.lines) {
      const block = element("div", "sp-line");
      block.append(element("p", "sp-speaker", line.speaker));
      if (line.parenthetical) block.append(element("p", "sp-paren", `(${line.parenthetical})`));
      block.append(element("p", "sp-text", line.text));
      parts.push(block);
    }
  }
  $("script").replaceChildren(...parts);
}

// ------------------------------------------------------------------ recent jobs

function jobItem(job) {
  const item = element("li", "job-item");
  const button = element("button", "job-open");
  button.type = "button";
  button.dataset.jobId = job.job_id;
  const badge = element("span", "badge", job.status);
  badge.dataset.status = job.status;
  button.append(
    badge,
    element("span", "job-director", job.director),
    element("span", "job-plot", job.plot_excerpt),
    element("span", "job-when", when(job.created_at)),
  );
  button.addEventListener("click", () => openJob(job.job_id).catch(showJobError));
  item.append(button);
  return item;
}

async function refreshJobs(more = false) {
  const params = new URLSearchParams({ limit: String(RECENT_PAGE) });
  const status = $("status-filter").value;
  if (status) params.set("status", status);
  if (more && state.cursor) params.set("cursor", state.cursor);
  try {
    const page = await api(`/jobs?${params}`);
    const items = page.jobs.map(jobItem);
    if (more) $("job-list").append(...items);
    else $("job-list").replaceChildren(...items);
    state.cursor = page.next_cursor;
    $("more-jobs").hidden = !page.next_cursor;
    $("jobs-empty").hidden = $("job-list").children.length > 0;
  } catch (error) {
    $("jobs-empty").hidden = true;
  }
}

function showJobError(error) {
  $("job").hidden = false;
  $("job-error").textContent = error.status === 404 ? "No such job." : `Could not load the job: ${error.message}`;
}

// ------------------------------------------------------------------ start

function start() {
  adoptKeyFromHash();
  $("api-key").value = apiKey();
  showKeyState();
  $("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    localStorage.setItem(KEY_STORAGE, $("api-key").value.trim());
    showKeyState("Key saved in this browser.");
    loadDirectors();
    refreshJobs();
  });
  $("job-form").addEventListener("submit", submitJob);
  $("status-filter").addEventListener("change", () => refreshJobs());
  $("refresh-jobs").addEventListener("click", () => refreshJobs());
  $("more-jobs").addEventListener("click", () => refreshJobs(true));
  state.timer = setInterval(tickRunning, 500);
  loadDirectors();
  refreshJobs();
  const job = hashParams().get("job");
  if (job) openJob(job).catch(showJobError);
}

start();
