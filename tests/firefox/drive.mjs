// Drives the built page in Firefox over WebDriver BiDi (puppeteer-core; no geckodriver), for
// tests/firefox/test_firefox.py, which decides what passes: this script only acts as a learner
// would (real clicks, keys and mouse strokes) and reports what the page then shows.
//
//     node tests/firefox/drive.mjs '<job as JSON>'
//
// job: {firefox: path, url: the page, checks: [names, in order, on one page], ...their settings}.
// Prints one JSON object: {browser, checks: {name: result | {error}}, pageErrors: [{check, text}],
// console, csp: [{check, text}] (the page's content-security-policy violations)}.
// A check that throws is reported as {error} and the page goes on to the next one, unless the
// page never booted. The page's content-security-policy forbids eval, so puppeteer's
// waitForFunction cannot run there: waiting is polling page.evaluate.
import puppeteer from "puppeteer-core";

const job = JSON.parse(process.argv[2]);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Content-security-policy violations, collected from the page's load event on (Python starts
// after it). Not earlier: with any preload script, even an empty one, Firefox 140 now and then
// reports 'Permission denied to access property "length"' at load, with no stack (none in 13 runs
// without one). The Chromium tests watch from the first byte.
const CSP_WATCH = () => {
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (e) => {
    window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`);
  });
};

/** Polls `predicate(s)`, s being window.playground.state(), until it holds; returns that state. */
async function waitState(page, predicate, what, timeoutMs = 60_000) {
  const t0 = Date.now();
  for (;;) {
    const s = await page.evaluate(() => window.playground.state());
    if (predicate(s)) return s;
    if (Date.now() - t0 > timeoutMs) {
      throw new Error(`waited ${timeoutMs / 1000} s for ${what}; the page is at epoch ${s.epoch}, ` +
                      `running ${s.running}, stop ${JSON.stringify(s.stop)}`);
    }
    await sleep(100);
  }
}

/** Polls `fn(arg)` in the page until it returns something truthy; returns it. */
async function waitPage(page, fn, what, timeoutMs = 30_000, arg = null) {
  const t0 = Date.now();
  for (;;) {
    const value = await page.evaluate(fn, arg);
    if (value) return value;
    if (Date.now() - t0 > timeoutMs) throw new Error(`waited ${timeoutMs / 1000} s for ${what}`);
    await sleep(100);
  }
}

/** The control a learner (and a screen reader) knows by this name: its aria-label or its text. */
async function control(page, name) {
  const handle = await page.evaluateHandle((name) => Array.from(
    document.querySelectorAll("button, select, input, canvas"))
    .find((e) => e.getAttribute("aria-label") === name || (e.tagName === "BUTTON" && e.textContent.trim() === name)), name);
  const element = handle.asElement();
  if (!element) throw new Error(`the page has no control named "${name}"`);
  return element;
}

async function choose(page, name, value) {
  const select = await control(page, name);
  await select.select(String(value));  // sets the value and fires input and change, as a pick does
}

async function pause(page) {
  if ((await page.evaluate(() => window.playground.state())).running) await (await control(page, "Pause")).click();
  return waitState(page, (s) => !s.running, "training to pause");
}

/** A fresh session on `dataset` (switching away and back), at `speed` epochs per frame, keys to the page. */
async function fresh(page, dataset, speed) {
  await pause(page);
  await choose(page, "Dataset", dataset === "xor" ? "spiral" : "xor");
  await choose(page, "Dataset", dataset);
  await choose(page, "Speed (epochs per frame)", speed);
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  return waitState(page, (s) => s.epoch === 0 && s.config.dataset === dataset, `a fresh ${dataset}`);
}

const CHECKS = {
  /** An uncaught error, a console.error and an inline script (which the page's policy forbids),
   * on purpose: the report must show all three, else its watches would miss the page's own. */
  async provoke(page) {
    const before = report.pageErrors.length;
    await page.evaluate(() => {
      setTimeout(() => { throw new Error("provoked: uncaught"); }, 0);
      console.error("provoked: console.error");
      const script = document.createElement("script");
      script.textContent = "window.provoked = true;";
      document.head.append(script);
    });
    const t0 = Date.now();
    while (Date.now() - t0 < 5_000 && (report.pageErrors.length < before + 2 ||
           !(await page.evaluate(() => window.__cspViolations.length)))) await sleep(50);
    return {seen: report.pageErrors.slice(before).map((e) => e.text),
            inlineScriptRan: await page.evaluate(() => window.provoked === true)};
  },

  /** The page boots: Python ready, or the error boot.js shows. */
  async boot(page) {
    await waitPage(page, () => (window.playground && window.playground.ready) || (window.boot && window.boot.error),
                   "the page to boot", job.bootTimeoutMs);
    const error = await page.evaluate(() => window.boot.error || null);
    if (error) throw new Error(`boot failed on the page: ${error.title}: ${error.message}`);
    const s = await page.evaluate(() => window.playground.state());
    return {mode: await page.evaluate(() => window.boot.mode), seconds: await page.evaluate(() => window.boot.timings.total / 1000),
            config: s.config, sizes: s.sizes, epoch: s.epoch};
  },

  /** `steps` presses of the step key on a fresh `dataset`: the losses it shows, epoch by epoch. */
  async keys(page) {
    const {dataset, steps} = job.keys;
    await fresh(page, dataset, 1);
    for (let k = 0; k < steps; k++) await page.keyboard.press("s");
    const s = await waitState(page, (s) => s.epoch === steps, `${steps} epochs from the step key`);
    return {config: s.config, epoch: s.epoch, history: s.history};
  },

  /** Play the spiral until the page stops it; what it then says. */
  async spiral(page) {
    await fresh(page, "spiral", job.spiral.speed);
    await (await control(page, "Play")).click();
    const s = await waitState(page, (s) => s.stop !== null, "the spiral to stop", job.spiral.timeoutMs);
    return {config: s.config, epoch: s.epoch, running: s.running, stop: s.stop, trainAccuracy: s.trainAccuracy,
            testAccuracy: s.testAccuracy, history: s.history,
            message: await page.evaluate(() => document.getElementById("message").innerText)};
  },

  /** The first teaching panel: scroll to the panels, take one explained step, read its forward stage. */
  async panel(page) {
    const before = await fresh(page, job.panel.dataset, 1);
    await page.evaluate(() => document.getElementById("panels").scrollIntoView());
    await waitPage(page, (n) => document.querySelectorAll("#panels > section.teach").length === n,
                   `the ${job.panel.sections} panels to be built`, 30_000, job.panel.sections);
    const take = await control(page, "Take one step");
    await take.scrollIntoView();
    await take.click();
    const s = await waitState(page, (s) => s.steps > before.steps, "the explained step to be taken");
    const stage = await waitPage(page, () => document.querySelector("#panel-step").dataset.stage, "a stage to show");
    const lines = await page.evaluate(() => Array.from(document.querySelectorAll("#panel-step .teach-body > *"))
      .flatMap((e) => e.classList.contains("teach-chips") ? Array.from(e.children, (c) => c.textContent) : [e.textContent]));
    return {config: before.config, epoch: s.epoch, stepsBefore: before.steps, steps: s.steps, stage, lines,
            titles: await page.evaluate(() => Array.from(document.querySelectorAll("#panels > section.teach h2"), (h) => h.textContent))};
  },

  /** Digits: train a few epochs, then draw with the mouse on the pad and read what the page predicts. */
  async digits(page) {
    const {epochs, strokes} = job.digits;
    await fresh(page, "digits", 1);
    await page.evaluate(() => window.scrollTo(0, 0));
    for (let k = 0; k < epochs; k++) await page.keyboard.press("s");
    const s = await waitState(page, (s) => s.epoch === epochs, `${epochs} digits epochs`);
    const clear = await control(page, "Clear the drawing");
    const pad = await control(page, "Drawing pad");
    const drawings = [];
    for (const drawing of strokes) {
      await clear.click();
      const cleared = (await page.evaluate(() => window.playground.state())).drawnPrediction;
      await pad.scrollIntoView();
      const box = await pad.boundingBox();
      for (const points of drawing) {
        const at = ([x, y]) => [box.x + x * box.width, box.y + y * box.height];
        await page.mouse.move(...at(points[0]));
        await page.mouse.down();
        // each move redraws the prediction (the pad reads live), so few and far between
        for (const p of points.slice(1)) await page.mouse.move(...at(p), {steps: 2});
        await page.mouse.up();
      }
      const drawn = await waitState(page, (s) => s.drawnPrediction !== null, "a prediction for the drawing", 10_000);
      // what the pen left on the pad, read from the canvas itself: its alpha channel, base64
      const pixels = await page.evaluate((pad) => {
        const data = pad.getContext("2d").getImageData(0, 0, pad.width, pad.height).data;
        let bytes = "";
        for (let i = 3; i < data.length; i += 4) bytes += String.fromCharCode(data[i]);
        return {width: pad.width, height: pad.height, alpha: btoa(bytes)};
      }, pad);
      drawings.push({cleared, prediction: drawn.drawnPrediction, pad: pixels});
    }
    return {config: s.config, epoch: s.epoch, sizes: s.sizes, history: s.history, testAccuracy: s.testAccuracy, drawings};
  },
};

const report = {browser: null, checks: {}, pageErrors: [], console: [], csp: []};
const browser = await puppeteer.launch({
  browser: "firefox", executablePath: job.firefox, headless: true, protocol: "webDriverBiDi",
  // the window's own size (setViewport would also override the screen's orientation, which
  // Firefox ESR 140's WebDriver BiDi does not implement)
  defaultViewport: null, args: ["--window-size=1440,1000"],
  // a closed network here: no update checks, telemetry or captive-portal probes
  extraPrefsFirefox: {"network.captive-portal-service.enabled": false, "network.connectivity-service.enabled": false},
});
try {
  report.browser = await browser.version();
  const page = await browser.newPage();
  let running = "load";  // the check under way, named with each error the page reports
  page.on("console", (msg) => {
    report.console.push(`[${msg.type()}] ${msg.text()}`);
    if (msg.type() === "error") report.pageErrors.push({check: running, text: `console.error: ${msg.text()}`});
  });
  page.on("pageerror", (e) => report.pageErrors.push({check: running, text: `uncaught: ${e.message || e}`, stack: e.stack || ""}));
  await page.goto(job.url, {waitUntil: "load", timeout: job.bootTimeoutMs});
  await page.evaluate(CSP_WATCH);
  for (const name of job.checks) {
    const t0 = Date.now();
    running = name;
    try {
      report.checks[name] = await CHECKS[name](page);
    } catch (e) {
      report.checks[name] = {error: String(e && e.stack || e)};
      if (name === "boot") break;
    }
    report.checks[name].seconds_taken = (Date.now() - t0) / 1000;
    for (const text of await page.evaluate(() => (window.__cspViolations || ["the violation watch is gone"]).splice(0))) {
      report.csp.push({check: name, text});
    }
  }
} catch (e) {
  report.error = String(e && e.stack || e);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report));
