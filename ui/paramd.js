// The parameter page: plain DOM, no framework, no build step. Every name that comes from the
// server is inserted as text (textContent, append(string), attribute values), never as HTML.
"use strict";
(() => {
  const SVG = "http://www.w3.org/2000/svg";
  const BINS = 32;
  const HEATMAP_CELLS = { rows: 48, cols: 64 };
  const $ = (id) => document.getElementById(id);
  const state = {
    token: sessionStorage.getItem("paramd-token"),
    model: null,
    version: null,
    spec: null,
    parameters: [],
    parameter: null,
    following: null,
    refreshing: null,
    refreshAgain: false,
  };

  // ---- DOM helpers: text only -----------------------------------------------------------------

  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    setAttributes(node, attributes);
    node.append(...children);
    return node;
  }

  function svgEl(tag, attributes = {}, ...children) {
    const node = document.createElementNS(SVG, tag);
    setAttributes(node, attributes);
    node.append(...children);
    return node;
  }

  function setAttributes(node, attributes) {
    for (const [key, value] of Object.entries(attributes)) {
      if (value === undefined || value === null || value === false) continue;
      if (typeof value === "function") node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, String(value));
    }
  }

  function format(value) {
    if (value === null || value === undefined) return "—";
    if (value === 0) return "0";
    const magnitude = Math.abs(value);
    if (magnitude >= 1e5 || magnitude < 1e-3) return value.toExponential(2);
    return String(Number(value.toPrecision(4)));
  }

  function setStatus(text, isError = false) {
    const status = $("status");
    status.textContent = text;
    status.classList.toggle("error", isError);
  }

  const enc = encodeURIComponent;
  const modelURL = (name) => `/v1/models/${enc(name)}`;
  const parameterURL = (name, path) => `${modelURL(name)}/parameters/${enc(path)}`;
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // ---- the API, with the token asked for once ----------------------------------------------------

  class HttpError extends Error {
    constructor(status, problem) {
      super((problem && problem.detail) || `the server answered ${status}`);
      this.status = status;
    }
  }

  let tokenRequest = null;
  let tokenResolve = null;

  async function api(path, { method = "GET", body, headers = {}, signal, stream = false } = {}) {
    for (;;) {
      const sent = { Accept: "application/json", ...headers };
      if (body !== undefined) sent["Content-Type"] = "application/json";
      if (state.token) sent.Authorization = `Bearer ${state.token}`;
      const response = await fetch(path, {
        method, headers: sent, signal, cache: "no-store",
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (response.status === 401) {
        await askForToken(state.token ? "Wrong token: the server refused it." : "");
        continue;
      }
      if (!response.ok) {
        let problem = null;
        try { problem = await response.json(); } catch (_) { /* not JSON */ }
        throw new HttpError(response.status, problem);
      }
      if (stream) return response;
      return response.status === 204 ? null : response.json();
    }
  }

  function askForToken(message) {
    if (!tokenRequest) {
      tokenRequest = new Promise((resolve) => { tokenResolve = resolve; });
      const dialog = $("token-dialog");
      $("token-error").textContent = message;
      $("token-input").value = "";
      dialog.showModal();
      $("token-input").focus();
    }
    return tokenRequest;
  }

  async function submitToken(event) {
    event.preventDefault();
    const token = $("token-input").value.trim();
    if (!token) {
      $("token-error").textContent = "Enter the token.";
      return;
    }
    const response = await fetch("/v1/models", { headers: { Accept: "application/json", Authorization: `Bearer ${token}` } });
    if (response.status === 401) {
      $("token-error").textContent = "Wrong token: the server refused it.";
      $("token-input").select();
      return;
    }
    state.token = token;
    sessionStorage.setItem("paramd-token", token);
    $("token-dialog").close();
    const resolve = tokenResolve;
    tokenRequest = null;
    tokenResolve = null;
    resolve();
  }

  // ---- models ------------------------------------------------------------------------------------

  async function loadModels() {
    const { models } = await api("/v1/models");
    const list = $("model-list");
    list.replaceChildren(...models.map((model) => el("li", {},
      el("button", {
        type: "button", "data-model": model.name, "aria-current": String(model.name === state.model),
        onclick: () => selectModel(model.name),
      }, model.name),
      el("span", { class: "count" }, model.version === undefined ? "damaged" : `v${model.version} · ${model.parameter_count} params`))));
    $("models-empty").hidden = models.length > 0;
  }

  async function selectModel(name) {
    state.model = name;
    state.parameter = null;
    state.version = null;
    for (const button of $("model-list").querySelectorAll("button")) {
      button.setAttribute("aria-current", String(button.dataset.model === name));
    }
    $("parameter-view").hidden = true;
    $("parameter-hint").hidden = false;
    $("loss-chart").replaceChildren();
    await refreshModel();
    fillTrainingExample();
    follow(name);
  }

  // One refresh at a time; a request during one runs once more after it.
  async function refreshModel() {
    if (state.refreshing) {
      state.refreshAgain = true;
      return state.refreshing;
    }
    state.refreshing = (async () => {
      do {
        state.refreshAgain = false;
        await loadModel();
      } while (state.refreshAgain);
    })();
    try {
      await state.refreshing;
    } finally {
      state.refreshing = null;
    }
  }

  async function loadModel() {
    const name = state.model;
    if (!name) return;
    const [description, listing] = await Promise.all([api(modelURL(name)), api(`${modelURL(name)}/parameters`)]);
    if (name !== state.model) return;
    state.spec = description.spec;
    state.parameters = listing.parameters;
    state.version = description.version;
    $("welcome").hidden = true;
    $("model-panel").hidden = false;
    $("model-heading").textContent = name;
    const meta = $("model-meta");
    meta.textContent = `version ${description.version} · ${description.parameter_count} parameters in ${description.tensor_count} tensors`;
    meta.dataset.version = description.version;
    renderTree(description.spec, listing.parameters);
    if (state.parameter) await showParameter(state.parameter);
    document.body.dataset.version = `${name}@${description.version}`;
  }

  async function createModel(event) {
    event.preventDefault();
    const name = $("create-name").value.trim();
    let spec;
    try {
      spec = JSON.parse($("create-spec").value);
    } catch (error) {
      setStatus(`The spec is not JSON: ${error.message}`, true);
      return;
    }
    const body = { name, spec, seed: Number($("create-seed").value || 0), init: $("create-init").value };
    try {
      await api("/v1/models", { method: "POST", body });
      setStatus(`Created ${name}.`);
      await loadModels();
      await selectModel(name);
    } catch (error) {
      setStatus(`Could not create ${name}: ${error.message}`, true);
    }
  }

  let deleteArmed = false;
  async function deleteModel() {
    const button = $("delete-model");
    if (!deleteArmed) {
      deleteArmed = true;
      button.textContent = `Really delete ${state.model}?`;
      return;
    }
    deleteArmed = false;
    button.textContent = "Delete model";
    const name = state.model;
    try {
      await api(modelURL(name), { method: "DELETE" });
      setStatus(`Deleted ${name}.`);
      closeModel();
      await loadModels();
    } catch (error) {
      setStatus(`Could not delete ${name}: ${error.message}`, true);
    }
  }

  function closeModel() {
    if (state.following) state.following.abort();
    state.model = null;
    $("model-panel").hidden = true;
    $("welcome").hidden = false;
  }

  // ---- the tree of blocks, like print(net), with ties linked --------------------------------------

  const ACTIVATIONS = {
    relu: "ReLU", sigmoid: "Sigmoid", tanh: "Tanh", gelu: "GELU", leaky_relu: "LeakyReLU",
    softmax: "Softmax", identity: "Identity", flatten: "Flatten",
  };

  function moduleTitle(module, weight) {
    if (module.type === "sequential") return "Sequential";
    if (module.type === "linear" || module.type === "dense") {
      const inputs = module.in !== undefined ? module.in : (weight ? weight.shape[1] : "?");
      let text = `Linear(in_features=${inputs}, out_features=${module.out}`;
      if (module.bias === false) text += ", bias=False";
      if (module.activation) text += `, activation=${typeof module.activation === "string" ? module.activation : module.activation.type}`;
      return `${text})`;
    }
    return `${ACTIVATIONS[module.type] || module.type}()`;
  }

  function renderTree(spec, parameters) {
    const positions = new Map();
    for (const parameter of parameters) {
      positions.set(parameter.name, { parameter, canonical: parameter.name });
      for (const alias of parameter.aliases) positions.set(alias, { parameter, canonical: parameter.name });
    }
    const context = { positions, definitions: new Map() };
    $("tree").replaceChildren(el("ul", {}, moduleItem(spec, "", null, context)));
    markCurrentParameter();
  }

  function moduleItem(layer, path, childName, context) {
    let module = layer;
    let tiedTo = null;
    if (layer.ref !== undefined) {
      const definition = context.definitions.get(layer.ref);
      if (definition) {
        module = definition.layer;
        tiedTo = definition.path;
      }
    } else if (layer.id !== undefined) {
      context.definitions.set(layer.id, { layer, path });
    }
    const weight = context.positions.get(path ? `${path}.weight` : "weight");
    const label = `${childName === null ? "" : `(${childName}): `}${moduleTitle(module, weight && weight.parameter)}`;
    const tie = tiedTo === null ? [] : [el("span", { class: "tie" }, `tied: the module at ${tiedTo || "the root"}`)];
    if (module.type === "sequential") {
      const children = el("ul");
      module.layers.forEach((child, index) => {
        const name = child.name !== undefined ? child.name : String(index);
        children.append(moduleItem(child, path ? `${path}.${name}` : name, name, context));
      });
      return el("li", { "data-module": path }, el("details", { open: true }, el("summary", { class: "module" }, label, ...tie), children));
    }
    const item = el("li", { "data-module": path }, el("span", { class: "module" }, label), ...tie);
    if (module.type === "linear" || module.type === "dense") {
      const roles = module.bias === false ? ["weight"] : ["weight", "bias"];
      item.append(el("ul", {}, ...roles.map((role) => parameterItem(path ? `${path}.${role}` : role, context.positions))));
    }
    return item;
  }

  function parameterItem(path, positions) {
    const position = positions.get(path);
    const item = el("li", { "data-parameter": path });
    item.append(el("button", { type: "button", class: "param", "data-path": path, onclick: () => chooseParameter(path) }, path));
    if (!position) {
      item.append(el("span", { class: "shape" }, "not materialized yet"));
      return item;
    }
    item.append(el("span", { class: "shape" }, `[${position.parameter.shape.join(", ")}]`));
    if (position.canonical !== path) {
      item.dataset.aliasOf = position.canonical;
      item.append(el("span", { class: "tie" }, "tied: same tensor as ",
        el("button", { type: "button", onclick: () => chooseParameter(position.canonical) }, position.canonical)));
    } else if (position.parameter.aliases.length > 0) {
      item.dataset.aliases = position.parameter.aliases.join(",");
      const links = position.parameter.aliases.map((alias) =>
        el("button", { type: "button", onclick: () => chooseParameter(alias) }, alias));
      item.append(el("span", { class: "tie" }, "tied: also at ", ...links));
    }
    return item;
  }

  function canonicalPath(path) {
    const found = state.parameters.find((p) => p.name === path || p.aliases.includes(path));
    return found ? found.name : path;
  }

  function markCurrentParameter() {
    const current = state.parameter && canonicalPath(state.parameter);
    for (const button of $("tree").querySelectorAll("button.param")) {
      button.setAttribute("aria-current", String(current !== null && canonicalPath(button.dataset.path) === current));
    }
  }

  // ---- one parameter: statistics, histograms, heatmap --------------------------------------------

  function chooseParameter(path) {
    $("init-match").value = path;
    showParameter(path).catch(report);
  }

  async function showParameter(path) {
    state.parameter = path;
    markCurrentParameter();
    const name = state.model;
    const stats = await api(`${parameterURL(name, path)}/stats?bins=${BINS}`);
    if (name !== state.model || path !== state.parameter) return;
    let heatmap = null;
    if (stats.shape.length === 2) {
      heatmap = await api(`${parameterURL(name, path)}/heatmap?rows=${HEATMAP_CELLS.rows}&cols=${HEATMAP_CELLS.cols}`);
      if (name !== state.model || path !== state.parameter) return;
    }
    $("parameter-hint").hidden = true;
    $("parameter-view").hidden = false;
    $("parameter-heading").textContent = path === stats.name ? path : `${path} (= ${stats.name})`;
    const aliases = stats.aliases.length ? ` · tied, also at ${stats.aliases.join(", ")}` : "";
    $("parameter-meta").textContent = `shape [${stats.shape.join(", ")}] · ${stats.dtype}${aliases}`;
    renderStats(stats.value);
    drawHistogram($("histogram"), stats.value.histogram);
    $("grad-figure").hidden = stats.grad === null;
    if (stats.grad !== null) drawHistogram($("grad-histogram"), stats.grad.histogram);
    $("heatmap-figure").hidden = heatmap === null;
    if (heatmap !== null) drawHeatmap(heatmap);
  }

  function renderStats(values) {
    const entries = [
      ["count", values.count], ["mean", values.mean], ["std", values.std], ["norm", values.norm],
      ["min", values.min], ["max", values.max], ["zeros", values.zero_fraction === null ? null : values.zero_fraction],
    ];
    $("stats").replaceChildren(...entries.flatMap(([label, value]) => [
      el("dt", {}, label),
      el("dd", { "data-stat": label }, label === "zeros" && value !== null ? `${format(value * 100)} %` : format(value)),
    ]));
  }

  const CHART = { width: 480, height: 170, left: 52, right: 12, top: 12, bottom: 30 };

  function drawHistogram(svg, histogram) {
    const { counts, edges } = histogram;
    const { width, height, left, right, top, bottom } = CHART;
    const highest = Math.max(1, ...counts);
    const low = edges[0];
    const high = edges[edges.length - 1];
    const x = (value) => left + ((value - low) / (high - low)) * (width - left - right);
    const y = (count) => top + (1 - count / highest) * (height - top - bottom);
    const bars = counts.map((count, index) => {
      const closing = index === counts.length - 1 ? "]" : ")";
      const start = x(edges[index]);
      return svgEl("rect", {
        class: "bar", x: start.toFixed(2), y: y(count).toFixed(2),
        width: Math.max(0.5, x(edges[index + 1]) - start - 0.6).toFixed(2), height: (height - bottom - y(count)).toFixed(2),
        "data-count": count, "data-left": edges[index], "data-right": edges[index + 1],
      }, svgEl("title", {}, `[${format(edges[index])}, ${format(edges[index + 1])}${closing}: ${count}`));
    });
    svg.replaceChildren(
      svgEl("line", { class: "axis", x1: left, x2: width - right, y1: height - bottom, y2: height - bottom }),
      svgEl("line", { class: "axis", x1: left, x2: left, y1: top, y2: height - bottom }),
      ...bars,
      svgEl("text", { x: left, y: height - bottom + 14, "text-anchor": "start" }, format(low)),
      svgEl("text", { x: width - right, y: height - bottom + 14, "text-anchor": "end" }, format(high)),
      svgEl("text", { x: left - 4, y: top + 8, "text-anchor": "end" }, String(highest)),
      svgEl("text", { x: left - 4, y: height - bottom, "text-anchor": "end" }, "0"),
    );
    svg.dataset.counts = counts.join(",");
    svg.dataset.edges = edges.join(",");
    svg.dataset.bins = String(counts.length);
  }

  // A diverging scale (ColorBrewer RdBu, reversed): blue below zero, white at zero, red above.
  const STOPS = [[-1, [33, 102, 172]], [-0.5, [103, 169, 207]], [0, [247, 247, 247]], [0.5, [239, 138, 98]], [1, [178, 24, 43]]];

  function colour(t) {
    const clamped = Math.max(-1, Math.min(1, t));
    for (let index = 1; index < STOPS.length; index++) {
      const [t1, c1] = STOPS[index];
      if (clamped <= t1) {
        const [t0, c0] = STOPS[index - 1];
        const f = (clamped - t0) / (t1 - t0);
        const mix = c0.map((value, channel) => Math.round(value + f * (c1[channel] - value)));
        return `rgb(${mix[0]}, ${mix[1]}, ${mix[2]})`;
      }
    }
    return "rgb(178, 24, 43)";
  }

  function drawHeatmap(heatmap) {
    const svg = $("heatmap");
    const size = 10;
    const scale = Math.max(Math.abs(heatmap.min || 0), Math.abs(heatmap.max || 0)) || 1;
    svg.setAttribute("viewBox", `0 0 ${heatmap.cols * size} ${heatmap.rows * size}`);
    const cells = [];
    heatmap.cells.forEach((row, i) => row.forEach((value, j) => {
      cells.push(svgEl("rect", {
        x: j * size, y: i * size, width: size, height: size, fill: colour(value / scale),
        "data-value": value, "data-row": i, "data-col": j,
      }));
    }));
    svg.replaceChildren(...cells);
    svg.dataset.scale = String(scale);
    svg.dataset.shape = heatmap.shape.join(",");
    drawLegend(scale);
  }

  function describeCell(target) {
    const svg = $("heatmap");
    const [rows, cols] = svg.dataset.shape.split(",").map(Number);
    const cellRows = svg.viewBox.baseVal.height / 10;
    const cellCols = svg.viewBox.baseVal.width / 10;
    const i = Number(target.dataset.row);
    const j = Number(target.dataset.col);
    const span = (index, cells, total) => {
      const start = Math.floor((index * total) / cells);
      const end = Math.floor(((index + 1) * total) / cells) - 1;
      return start === end ? `${start}` : `${start}–${end}`;
    };
    return `row ${span(i, cellRows, rows)}, column ${span(j, cellCols, cols)}: ${format(Number(target.dataset.value))}`;
  }

  function drawLegend(scale) {
    const svg = $("legend");
    const steps = 65;
    const left = 10;
    const width = 460 / steps;
    const swatches = [];
    for (let k = 0; k < steps; k++) {
      const value = -scale + (2 * scale * k) / (steps - 1);
      swatches.push(svgEl("rect", { x: (left + k * width).toFixed(2), y: 0, width: (width + 0.3).toFixed(2), height: 14, fill: colour(value / scale), "data-value": value }));
    }
    svg.replaceChildren(
      ...swatches,
      svgEl("text", { x: left, y: 28, "text-anchor": "start" }, format(-scale)),
      svgEl("text", { x: 240, y: 28, "text-anchor": "middle" }, "0"),
      svgEl("text", { x: 470, y: 28, "text-anchor": "end" }, format(scale)),
    );
  }

  // ---- initialize ----------------------------------------------------------------------------------

  function showInitializerArguments() {
    const name = $("init-name").value;
    for (const field of $("init-arguments").querySelectorAll("[data-for]")) {
      field.hidden = !field.dataset.for.split(" ").includes(name);
    }
  }

  function initializerFromForm() {
    const name = $("init-name").value;
    const number = (id) => Number($(id).value);
    switch (name) {
      case "normal":
      case "trunc_normal": return { name, mean: number("init-mean"), std: number("init-std") };
      case "uniform": return { name, a: number("init-a"), b: number("init-b") };
      case "constant": return { name, value: number("init-value") };
      default: return name;
    }
  }

  function presetRules(preset) {
    const weights = state.parameters.filter((p) => p.name.endsWith("weight")).map((p) => p.name);
    switch (preset) {
      case "normal": return [{ match: "**.weight", init: { name: "normal", mean: 0, std: 0.01 } }, { match: "**.bias", init: "zeros" }];
      case "constant": return [{ match: "**.weight", init: { name: "constant", value: 1 } }, { match: "**.bias", init: "zeros" }];
      case "xavier42": return [{ match: weights[0], init: "xavier_uniform" }, { match: weights[weights.length - 1], init: { name: "constant", value: 42 } }];
      default: return [{
        match: "**.weight",
        init: {
          name: "mixture", components: [
            { weight: 0.25, init: { name: "uniform", a: 5, b: 10 } },
            { weight: 0.5, init: "zeros" },
            { weight: 0.25, init: { name: "uniform", a: -10, b: -5 } }],
        },
      }];
    }
  }

  async function initialize(rules) {
    const seedText = $("init-seed").value;
    const body = seedText === "" ? { rules } : { seed: Number(seedText), rules };
    try {
      const result = await api(`${modelURL(state.model)}/initialize`, { method: "POST", body });
      setStatus(`Initialized ${result.initialized.join(", ")} (version ${result.version}).`);
      await refreshModel();
    } catch (error) {
      setStatus(`Could not initialize: ${error.message}`, true);
    }
  }

  // ---- train ---------------------------------------------------------------------------------------

  function fillTrainingExample() {
    const linears = [];
    const walk = (layer) => {
      if (layer.type === "sequential") layer.layers.forEach(walk);
      else if (layer.type === "linear" || layer.type === "dense") linears.push(layer);
    };
    if (state.spec) walk(state.spec);
    const first = state.parameters.find((p) => p.shape.length === 2);
    const width = (linears[0] && linears[0].in) || (first && first.shape[1]) || 4;
    const outputs = (linears.length && linears[linears.length - 1].out) || 1;
    const inputs = [0, 1].map((r) => Array.from({ length: width }, (_, c) => Math.round((r * width + c + 1) * 10) / 100));
    const targets = [0, 1].map((r) => Array.from({ length: outputs }, () => (r === 0 ? 1 : 0)));
    $("train-inputs").value = JSON.stringify(inputs);
    $("train-targets").value = JSON.stringify(targets);
  }

  async function train(event) {
    event.preventDefault();
    let inputs;
    let targets;
    try {
      inputs = JSON.parse($("train-inputs").value);
      targets = JSON.parse($("train-targets").value);
    } catch (error) {
      setStatus(`Inputs and targets must be JSON: ${error.message}`, true);
      return;
    }
    const body = {
      inputs, targets, loss: $("train-loss").value,
      optimizer: { name: $("train-optimizer").value, lr: Number($("train-lr").value) },
      epochs: Number($("train-epochs").value),
    };
    const losses = [];
    drawLosses(losses);
    const button = $("train-run");
    button.disabled = true;
    setStatus("Training…");
    try {
      const response = await api(`${modelURL(state.model)}/train`, { method: "POST", body, headers: { Accept: "application/x-ndjson" }, stream: true });
      await readLines(response, (line) => {
        const message = JSON.parse(line);
        if (message.error) {
          setStatus(`Training stopped: ${message.error.detail}`, true);
        } else if (message.done) {
          setStatus(`Trained ${losses.length} steps; loss ${format(message.loss)} (version ${message.version}).`);
        } else {
          losses.push(message.loss);
          drawLosses(losses);
        }
      });
      await refreshModel();
    } catch (error) {
      setStatus(`Could not train: ${error.message}`, true);
    } finally {
      button.disabled = false;
    }
  }

  async function readLines(response, onLine, separator = "\n") {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf(separator)) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + separator.length);
        if (line.trim()) onLine(line);
      }
    }
  }

  function drawLosses(losses) {
    const svg = $("loss-chart");
    const { width, height, left, right, top, bottom } = CHART;
    const highest = Math.max(...losses, 1e-12);
    const lowest = Math.min(...losses, 0);
    const x = (index) => left + (losses.length < 2 ? 0 : (index / (losses.length - 1)) * (width - left - right));
    const y = (loss) => top + (1 - (loss - lowest) / (highest - lowest)) * (height - top - bottom);
    const points = losses.map((loss, index) => `${x(index).toFixed(1)},${y(loss).toFixed(1)}`).join(" ");
    svg.replaceChildren(
      svgEl("line", { class: "axis", x1: left, x2: width - right, y1: height - bottom, y2: height - bottom }),
      svgEl("line", { class: "axis", x1: left, x2: left, y1: top, y2: height - bottom }),
      svgEl("polyline", { class: "loss-line", points }),
      ...losses.map((loss, index) => svgEl("circle", { class: "loss-point", cx: x(index).toFixed(1), cy: y(loss).toFixed(1), r: 2.5, "data-loss": loss },
        svgEl("title", {}, `step ${index + 1}: ${format(loss)}`))),
      svgEl("text", { x: left - 4, y: top + 8, "text-anchor": "end" }, losses.length ? format(highest) : ""),
      svgEl("text", { x: left - 4, y: height - bottom, "text-anchor": "end" }, format(lowest)),
      svgEl("text", { x: width - right, y: height - bottom + 14, "text-anchor": "end" }, losses.length ? `step ${losses.length}` : ""),
    );
    svg.dataset.losses = losses.join(",");
  }

  // ---- follow the model's events: a change made elsewhere appears here ------------------------------

  async function follow(name) {
    if (state.following) state.following.abort();
    const controller = new AbortController();
    state.following = controller;
    let lastEventID = null;
    while (!controller.signal.aborted && state.model === name) {
      try {
        const headers = { Accept: "text/event-stream" };
        if (lastEventID !== null) headers["Last-Event-ID"] = lastEventID;
        const response = await api(`${modelURL(name)}/events`, { headers, signal: controller.signal, stream: true });
        await readLines(response, (frame) => {
          const event = parseEvent(frame);
          if (event.id !== null) lastEventID = event.id;
          if (event.data !== null) onModelEvent(name, event.type, JSON.parse(event.data));
        }, "\n\n");
      } catch (error) {
        if (controller.signal.aborted || error.status === 404) return;
      }
      await sleep(1000);
    }
  }

  function parseEvent(frame) {
    const event = { id: null, type: "message", data: null };
    for (const line of frame.split("\n")) {
      const colon = line.indexOf(":");
      if (colon === 0) continue;
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "id") event.id = value;
      else if (field === "event") event.type = value;
      else if (field === "data") event.data = event.data === null ? value : `${event.data}\n${value}`;
    }
    return event;
  }

  function onModelEvent(name, type, data) {
    if (name !== state.model) return;
    if (type === "deleted") {
      setStatus(`${name} was deleted.`);
      closeModel();
      loadModels().catch(report);
    } else if (data.version !== state.version) {
      refreshModel().then(loadModels).catch(report);
    }
  }

  // ---- start -----------------------------------------------------------------------------------------

  const EXAMPLES = {
    mlp: { seed: 0, spec: { type: "sequential", layers: [{ type: "linear", in: 4, out: 8 }, { type: "relu" }, { type: "linear", in: 8, out: 1 }] } },
    rgnet: {
      seed: 0,
      spec: {
        type: "sequential", layers: [
          { type: "sequential", layers: [0, 1, 2, 3].map((i) => ({
            name: `block ${i}`, type: "sequential",
            layers: [{ type: "linear", in: 4, out: 8 }, { type: "relu" }, { type: "linear", in: 8, out: 4 }, { type: "relu" }],
          })) },
          { type: "linear", in: 4, out: 1 }],
      },
    },
    tied: {
      seed: 0,
      spec: {
        type: "sequential", layers: [
          { type: "linear", in: 20, out: 8 }, { type: "relu" }, { type: "linear", in: 8, out: 8, id: "shared" }, { type: "relu" },
          { ref: "shared" }, { type: "relu" }, { type: "linear", in: 8, out: 1 }],
      },
    },
  };

  function usePreset(name) {
    const example = EXAMPLES[name];
    $("create-name").value = name;
    $("create-seed").value = String(example.seed);
    $("create-spec").value = JSON.stringify(example.spec, null, 1);
  }

  function report(error) {
    setStatus(error.message, true);
  }

  function start() {
    $("token-form").addEventListener("submit", (event) => { submitToken(event).catch(report); });
    $("token-dialog").addEventListener("cancel", (event) => event.preventDefault());
    $("create-form").addEventListener("submit", createModel);
    for (const button of document.querySelectorAll("[data-preset]")) {
      button.addEventListener("click", () => usePreset(button.dataset.preset));
    }
    $("delete-model").addEventListener("click", () => { deleteModel().catch(report); });
    $("delete-model").addEventListener("blur", () => {
      deleteArmed = false;
      $("delete-model").textContent = "Delete model";
    });
    $("init-name").addEventListener("change", showInitializerArguments);
    $("init-form").addEventListener("submit", (event) => {
      event.preventDefault();
      initialize([{ match: $("init-match").value.trim() || "**", init: initializerFromForm() }]);
    });
    for (const button of document.querySelectorAll("[data-init-preset]")) {
      button.addEventListener("click", () => initialize(presetRules(button.dataset.initPreset)));
    }
    $("train-form").addEventListener("submit", train);
    $("reload-models").addEventListener("click", () => { loadModels().catch(report); });
    $("heatmap").addEventListener("mouseover", (event) => {
      if (event.target.dataset && event.target.dataset.value !== undefined) $("heatmap-readout").textContent = describeCell(event.target);
    });
    showInitializerArguments();
    usePreset("mlp");
    loadModels()
      .then(() => { document.body.dataset.ready = String(Math.round(performance.now())); })
      .catch(report);
  }

  start();
})();
