"""The parameter page in a real browser: Debian's chromium driven by selenium, headless.

Each test starts paramd (conftest fixtures), uses the page as a person would (clicks, forms,
keyboard), and checks what it draws against the API: histogram counts against the stats route,
heatmap colours against the legend, changes made elsewhere appearing without a reload, the
token flow, a hostile child name staying text, and CORS from a page served on another port.
Screenshots go to .test-output/ (gitignored).
"""
from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

from axe_selenium_python import Axe
from conftest import ROOT
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

OUTPUT = ROOT / ".test-output"
MLP = {"type": "sequential", "layers": [{"type": "linear", "in": 4, "out": 8}, {"type": "relu"}, {"type": "linear", "in": 8, "out": 1}]}
RGNET = {"type": "sequential", "layers": [
    {"type": "sequential", "layers": [
        {"name": f"block {i}", "type": "sequential", "layers": [
            {"type": "linear", "in": 4, "out": 8}, {"type": "relu"}, {"type": "linear", "in": 8, "out": 4}, {"type": "relu"}]}
        for i in range(4)]},
    {"type": "linear", "in": 4, "out": 1}]}
TIED = {"type": "sequential", "layers": [
    {"type": "linear", "in": 20, "out": 8}, {"type": "relu"}, {"type": "linear", "in": 8, "out": 8, "id": "shared"},
    {"type": "relu"}, {"ref": "shared"}, {"type": "relu"}, {"type": "linear", "in": 8, "out": 1}]}
HOSTILE = "<img src=x onerror=alert(1)>"


def chromium_paths() -> tuple[str, str]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not browser or not driver:
        pytest.fail("chromium and chromium-driver are needed (Tests/python/apt-packages.txt; scripts/test-deps.sh installs them)")
    return browser, driver


@pytest.fixture(scope="module")
def browser():
    binary, driver = chromium_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000",
                     "--disable-gpu", "--no-first-run", "--disable-extensions"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    chrome = webdriver.Chrome(service=webdriver.ChromeService(executable_path=driver), options=options)
    chrome.set_page_load_timeout(20)
    OUTPUT.mkdir(exist_ok=True)
    yield chrome
    chrome.quit()


def wait(chrome, condition, timeout: float = 5, message: str = ""):
    return WebDriverWait(chrome, timeout, poll_frequency=0.02).until(lambda _: condition(), message)


def by_id(chrome, element_id: str):
    return chrome.find_element(By.ID, element_id)


def console_errors(chrome) -> list[str]:
    return [entry["message"] for entry in chrome.get_log("browser") if entry["level"] == "SEVERE"]


def open_page(chrome, server) -> None:
    chrome.get("about:blank")
    chrome.get_log("browser")  # drop what earlier tests left
    chrome.get(server.url + "/")
    wait(chrome, lambda: chrome.execute_script("return document.body.dataset.ready || null"), 10, "the page never drew")


def select_model(chrome, name: str) -> None:
    by_id(chrome, "reload-models").click()
    wait(chrome, lambda: chrome.find_elements(By.CSS_SELECTOR, f'#model-list button[data-model="{name}"]'))
    chrome.find_element(By.CSS_SELECTOR, f'#model-list button[data-model="{name}"]').click()
    wait(chrome, lambda: by_id(chrome, "model-heading").text == name and by_id(chrome, "tree").text != "")


def choose_parameter(chrome, path: str) -> None:
    chrome.find_element(By.CSS_SELECTOR, f'#tree button.param[data-path="{css_string(path)}"]').click()
    wait(chrome, lambda: by_id(chrome, "parameter-heading").text.startswith(path) and by_id(chrome, "histogram").get_attribute("data-counts"))


def css_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def histogram(chrome, element_id: str = "histogram") -> tuple[list[int], list[float]]:
    svg = by_id(chrome, element_id)
    counts = [int(c) for c in svg.get_attribute("data-counts").split(",")]
    edges = [float(e) for e in svg.get_attribute("data-edges").split(",")]
    return counts, edges


def stats_counts(server, model: str, path: str, bins: int) -> list[int]:
    response = server.session.get(f"{server.url}/v1/models/{model}/parameters/{requests.utils.quote(path, safe='')}/stats", params={"bins": bins})
    assert response.status_code == 200, response.text
    return response.json()["value"]["histogram"]["counts"]


def rgb(text: str) -> tuple[int, ...]:
    return tuple(int(v) for v in re.findall(r"\d+", text)[:3])


def test_the_chapters_models_drawn_edited_followed_and_trained(browser, paramd):
    chrome = browser
    open_page(chrome, paramd)
    assert int(chrome.execute_script("return document.body.dataset.ready")) <= 1000, "the page draws within a second"

    # The MLP through the page's form (keyboard only), rgnet and the tied net through the API.
    by_id(chrome, "create-panel").find_element(By.TAG_NAME, "summary").send_keys(Keys.ENTER)
    chrome.find_element(By.CSS_SELECTOR, '[data-preset="mlp"]').send_keys(Keys.ENTER)
    name = by_id(chrome, "create-name")
    name.clear()
    name.send_keys("mlp")
    spec = json.loads(by_id(chrome, "create-spec").get_attribute("value"))
    assert spec == MLP
    name.send_keys(Keys.ENTER)
    wait(chrome, lambda: by_id(chrome, "model-heading").text == "mlp", message="the created model is shown")
    assert paramd.session.get(paramd.url + "/v1/models/mlp").json()["spec"] == MLP
    paramd.create("rgnet", RGNET, seed=0)
    paramd.create("tied", TIED, seed=0)

    select_model(chrome, "rgnet")
    tree = by_id(chrome, "tree").text
    for block in range(4):
        assert f"(block {block}): Sequential" in tree
    assert chrome.find_elements(By.CSS_SELECTOR, 'button.param[data-path="0.block 3.2.weight"]')

    select_model(chrome, "tied")
    tied_position = chrome.find_element(By.CSS_SELECTOR, 'li[data-parameter="4.weight"]')
    assert tied_position.get_attribute("data-alias-of") == "2.weight"
    assert "same tensor as 2.weight" in tied_position.text
    assert chrome.find_element(By.CSS_SELECTOR, 'li[data-parameter="2.bias"]').get_attribute("data-aliases") == "4.bias"
    choose_parameter(chrome, "4.weight")
    assert "= 2.weight" in by_id(chrome, "parameter-heading").text
    by_id(chrome, "train-run").click()
    wait(chrome, lambda: "Trained 20 steps" in by_id(chrome, "status").text, timeout=10)
    chrome.set_window_size(1280, 1480)
    chrome.execute_script("window.scrollTo(0, 0)")
    chrome.save_screenshot(str(OUTPUT / "page-tied.png"))  # docs/page.png is this one
    chrome.set_window_size(1280, 1000)

    select_model(chrome, "mlp")
    choose_parameter(chrome, "0.weight")
    counts, edges = histogram(chrome)
    assert counts == stats_counts(paramd, "mlp", "0.weight", len(counts))
    assert len(edges) == len(counts) + 1

    # Every cell's colour is the legend's colour at its value.
    scale = float(by_id(chrome, "heatmap").get_attribute("data-scale"))
    swatches = [(float(s.get_attribute("data-value")), rgb(s.get_attribute("fill")))
                for s in by_id(chrome, "legend").find_elements(By.TAG_NAME, "rect")]
    cells = by_id(chrome, "heatmap").find_elements(By.TAG_NAME, "rect")
    assert len(cells) == 32
    step = 2 * scale / (len(swatches) - 1)
    for cell in cells:
        value = float(cell.get_attribute("data-value"))
        nearest_value, nearest_colour = min(swatches, key=lambda s: abs(s[0] - value))
        assert abs(nearest_value - value) <= step / 2 + 1e-6
        assert max(abs(a - b) for a, b in zip(rgb(cell.get_attribute("fill")), nearest_colour)) <= 12
    ActionChains(chrome).move_to_element(cells[5]).perform()
    wait(chrome, lambda: by_id(chrome, "heatmap-readout").text.startswith("row 1, column 1:"))
    chrome.save_screenshot(str(OUTPUT / "page-mlp.png"))

    # Constant 42 through the form: one bar, at 42.
    Select(by_id(chrome, "init-name")).select_by_value("constant")
    value = by_id(chrome, "init-value")
    value.clear()
    value.send_keys("42")
    assert by_id(chrome, "init-match").get_attribute("value") == "0.weight"
    by_id(chrome, "init-apply").click()

    def one_bar_at(target: float) -> bool:
        counts, edges = histogram(chrome)
        bars = [i for i, c in enumerate(counts) if c > 0]
        return len(bars) == 1 and edges[bars[0]] <= target <= edges[bars[0] + 1] and counts[bars[0]] == 32

    wait(chrome, lambda: one_bar_at(42), message="constant 42 draws one bar at 42")

    # A PATCH made elsewhere appears within a second, through /events.
    before = chrome.execute_script("return document.body.dataset.version")
    patched = subprocess.run(
        ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PATCH", f"{paramd.url}/v1/models/mlp/parameters/0.weight",
         "-H", "Content-Type: application/json", "-d", '{"op": "add", "value": 1}'], capture_output=True, text=True, check=True)
    assert patched.stdout == "200"
    started = time.monotonic()
    wait(chrome, lambda: one_bar_at(43), timeout=1.0, message="the PATCH appears within a second")
    assert time.monotonic() - started <= 1.0
    assert chrome.execute_script("return document.body.dataset.version") != before

    # Training draws its losses from the streamed progress.
    steps = by_id(chrome, "train-epochs")
    steps.clear()
    steps.send_keys("6")
    by_id(chrome, "train-run").click()
    wait(chrome, lambda: len((by_id(chrome, "loss-chart").get_attribute("data-losses") or "").split(",")) == 6, timeout=10)
    wait(chrome, lambda: "Trained 6 steps" in by_id(chrome, "status").text)
    losses = [float(x) for x in by_id(chrome, "loss-chart").get_attribute("data-losses").split(",")]
    assert len(by_id(chrome, "loss-chart").find_elements(By.TAG_NAME, "circle")) == 6
    assert all(loss >= 0 for loss in losses)
    wait(chrome, lambda: by_id(chrome, "grad-figure").is_displayed(), message="after training the gradient histogram shows")
    grad_counts, _ = histogram(chrome, "grad-histogram")
    assert sum(grad_counts) == 32

    chrome.execute_script("window.scrollTo(0, 0)")
    chrome.save_screenshot(str(OUTPUT / "page-trained.png"))
    assert console_errors(chrome) == []


def test_every_control_is_labelled_and_reachable_by_keyboard_and_axe_finds_nothing(browser, paramd):
    chrome = browser
    paramd.create("mlp", MLP, seed=0)
    open_page(chrome, paramd)
    select_model(chrome, "mlp")
    choose_parameter(chrome, "0.weight")
    unnamed = chrome.execute_script("""
        const missing = [];
        for (const control of document.querySelectorAll('input, select, textarea')) {
          if (!control.labels || control.labels.length === 0) missing.push(control.id || control.outerHTML.slice(0, 60));
        }
        for (const button of document.querySelectorAll('button')) {
          if (!(button.textContent || '').trim() && !button.getAttribute('aria-label')) missing.push(button.outerHTML.slice(0, 60));
        }
        return missing;""")
    assert unnamed == []
    # Tab reaches the parameter buttons of the tree and the train button.
    chrome.find_element(By.TAG_NAME, "body").click()
    reached = set()
    for _ in range(200):
        ActionChains(chrome).send_keys(Keys.TAB).perform()
        reached.add(chrome.execute_script("const e = document.activeElement; return e.id || e.dataset.path || e.dataset.model || e.tagName"))
    expected = {"reload-models", "mlp", "delete-model", "0.weight", "2.bias", "init-match", "init-apply", "train-inputs", "train-run"}
    assert expected <= reached, f"not reached by Tab: {expected - reached}"
    assert console_errors(chrome) == []

    # axe-core (bundled in axe-selenium-python, so it runs offline): no violations on the page
    # with a model and a parameter shown; an unlabelled field added on purpose is caught.
    axe = Axe(chrome)
    axe.inject()
    violations = axe.run()["violations"]
    assert violations == [], json.dumps([(v["id"], [n["target"] for n in v["nodes"]]) for v in violations])
    chrome.execute_script("const probe = document.createElement('input'); probe.id = 'axe-probe'; document.body.append(probe);")
    assert any(v["id"] == "label" for v in axe.run()["violations"])
    chrome.execute_script("document.getElementById('axe-probe').remove()")


def test_a_hostile_child_name_is_inert(browser, paramd):
    chrome = browser
    paramd.create("hostile", {"type": "sequential", "layers": [{"name": HOSTILE, "type": "linear", "in": 2, "out": 3}]}, seed=0)
    open_page(chrome, paramd)
    select_model(chrome, "hostile")
    path = f"{HOSTILE}.weight"
    assert f"({HOSTILE}): Linear(in_features=2, out_features=3)" in by_id(chrome, "tree").text
    choose_parameter(chrome, path)
    assert by_id(chrome, "parameter-heading").text == path
    assert chrome.find_elements(By.TAG_NAME, "img") == []
    assert histogram(chrome)[0] == stats_counts(paramd, "hostile", path, 32)
    with pytest.raises(NoAlertPresentException):
        chrome.switch_to.alert.text  # noqa: B018
    chrome.save_screenshot(str(OUTPUT / "page-hostile.png"))
    # The chapter's mixture preset, then deleting the model, both through the page.
    chrome.find_element(By.CSS_SELECTOR, '[data-init-preset="mixture"]').click()
    wait(chrome, lambda: by_id(chrome, "status").text.startswith("Initialized"))
    wait(chrome, lambda: chrome.execute_script("return document.body.dataset.version") == "hostile@2")
    assert histogram(chrome)[0] == stats_counts(paramd, "hostile", path, 32)
    by_id(chrome, "delete-model").click()
    assert by_id(chrome, "delete-model").text == "Really delete hostile?"
    by_id(chrome, "delete-model").click()
    wait(chrome, lambda: not by_id(chrome, "model-panel").is_displayed() and by_id(chrome, "models-empty").is_displayed())
    assert paramd.session.get(paramd.url + "/v1/models/hostile").status_code == 404
    assert console_errors(chrome) == []


def test_the_token_is_asked_once_and_a_wrong_one_is_shown(browser, paramd_factory):
    chrome = browser
    server = paramd_factory(token="s3cret-token")
    server.create("mlp", MLP, seed=0)
    chrome.get("about:blank")
    chrome.get(server.url + "/")
    dialog = by_id(chrome, "token-dialog")
    wait(chrome, lambda: dialog.get_attribute("open") is not None, message="the page asks for the token")
    field = by_id(chrome, "token-input")
    field.send_keys("not-the-token", Keys.ENTER)
    wait(chrome, lambda: "Wrong token" in by_id(chrome, "token-error").text)
    assert dialog.get_attribute("open") is not None
    field.clear()
    field.send_keys("s3cret-token", Keys.ENTER)
    wait(chrome, lambda: dialog.get_attribute("open") is None)
    wait(chrome, lambda: chrome.find_elements(By.CSS_SELECTOR, '#model-list button[data-model="mlp"]'))
    # Kept for the tab: a reload asks nothing, and every call carries it.
    chrome.refresh()
    wait(chrome, lambda: chrome.execute_script("return document.body.dataset.ready || null"))
    assert by_id(chrome, "token-dialog").get_attribute("open") is None
    select_model(chrome, "mlp")
    choose_parameter(chrome, "2.weight")
    assert chrome.execute_script("return sessionStorage.getItem('paramd-token')") == "s3cret-token"
    chrome.execute_script("sessionStorage.clear()")


CORS_PAGE = """<!doctype html><meta charset="utf-8"><title>cors</title><pre id="result">waiting</pre>
<script>
const base = decodeURIComponent(location.hash.slice(1));
fetch(base + "/v1/models/mlp/parameters/2.bias", {
  method: "PATCH", headers: {"Content-Type": "application/json", "If-Match": '"1"'},
  body: JSON.stringify({op: "fill", value: 0.25}),
}).then((r) => { document.getElementById("result").textContent = "ok " + r.status + " " + r.headers.get("ETag"); })
  .catch((e) => { document.getElementById("result").textContent = "blocked " + e.name; });
</script>
"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve_folder(folder: Path) -> tuple[http.server.ThreadingHTTPServer, int]:
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def test_cors_lets_a_listed_origin_in_and_keeps_others_out(browser, paramd_factory, tmp_path):
    chrome = browser
    (tmp_path / "cors.html").write_text(CORS_PAGE)
    listed, listed_port = serve_folder(tmp_path)
    unlisted, unlisted_port = serve_folder(tmp_path)
    try:
        server = paramd_factory(args=["--cors-origins", f"http://127.0.0.1:{listed_port}"])
        server.create("mlp", MLP, seed=0)
        target = requests.utils.quote(server.url, safe="")
        chrome.get(f"http://127.0.0.1:{unlisted_port}/cors.html#{target}")
        wait(chrome, lambda: by_id(chrome, "result").text != "waiting")
        assert by_id(chrome, "result").text == "blocked TypeError"
        assert server.session.get(server.url + "/v1/models/mlp").json()["version"] == 1, "the preflight failed, so nothing was sent"
        chrome.get(f"http://127.0.0.1:{listed_port}/cors.html#{target}")
        wait(chrome, lambda: by_id(chrome, "result").text != "waiting")
        assert by_id(chrome, "result").text == 'ok 200 "2"', "the PATCH went through and its ETag is readable"
        assert server.session.get(server.url + "/v1/models/mlp/parameters/2.bias").json()["value"] == [0.25]
    finally:
        listed.shutdown()
        unlisted.shutdown()
