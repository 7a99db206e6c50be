/* boot-check.js: when boot.js does not start, say so on the page and name the file.

   boot.js shows every failure it can see, but not its own absence, nor a failure of the scripts
   that run before it (draw.js, build-info.js). This small script sees those. It is loaded first
   and without `defer`, so its listeners are in place before any other script loads or fails; it
   is a file of its own because the Content-Security-Policy (script-src 'self') runs no inline
   code, not even an `onerror` attribute.

   It records, in self.WIL_PAGE_SCRIPTS, each page script that failed to load (its `error` event)
   or threw while it ran (a truncated file stops with a SyntaxError). Then:
   - at DOMContentLoaded every deferred script has run; if boot.js did not start, the error is
     shown here at once;
   - if the scripts have not all arrived after STALL_MS (a server that hangs), the page says
     which ones it is still waiting for; boot.js takes over if it starts after all.
   boot.js reads the record to say whether draw.js or build-info.js is missing or damaged.
   If even this file is missing, style.css reveals a static note in index.html after a while. */
(function () {
  "use strict";

  var BOOT = "boot.js";
  var STALL_MS = 15000;
  var FILE = location.protocol === "file:";
  var seen = (self.WIL_PAGE_SCRIPTS = {}); // src as written in index.html -> {state, message}

  // boot.js sets window.boot as it runs. (Until then window.boot is the element with id="boot":
  // the browser names elements on window by their id.)
  function bootStarted() { return !!window.boot && !window.boot.nodeType; }

  function pageScript(node) {
    return node && node.tagName === "SCRIPT" && node.getAttribute("src");
  }

  // A script that cannot be loaded gets an `error` event (it does not bubble: listen while it
  // descends). One that throws while it runs reports to window, while it is document.currentScript
  // (from file:// the message is muted to "Script error.", but currentScript still names it).
  window.addEventListener("error", function (e) {
    var src = pageScript(e.target);
    if (src) {
      seen[src] = { state: "missing" };
    } else if ((src = pageScript(document.currentScript)) && !seen[src]) {
      seen[src] = { state: "threw", message: e.message };
    }
  }, true);
  document.addEventListener("load", function (e) {
    var src = pageScript(e.target);
    if (src && !seen[src]) seen[src] = { state: "ran" };
  }, true);

  var timer = setTimeout(function () {
    if (bootStarted()) return;
    // Scripts that did not run yet; of those, the ones that did not even arrive (deferred
    // scripts run in order, so one that arrived may be waiting for another that did not).
    var notRun = Array.prototype.filter.call(document.querySelectorAll("script[src]"),
      function (s) { return !seen[s.getAttribute("src")]; });
    var arrived = {};
    performance.getEntriesByType("resource").forEach(function (e) { arrived[e.name] = true; });
    var notArrived = notRun.filter(function (s) { return !arrived[s.src]; });
    var waiting = (notArrived.length ? notArrived : notRun)
      .map(function (s) { return s.getAttribute("src"); });
    show("The page is taking too long to load",
      "After " + STALL_MS / 1000 + " s it is still waiting for " + (waiting.join(", ") || BOOT) + ".",
      FILE ? "The drive may be slow or failing. Copy the whole folder to this computer, then " +
        "open index.html from the copy."
        : "Check your connection and reload the page.");
  }, STALL_MS);

  document.addEventListener("DOMContentLoaded", function () {
    clearTimeout(timer);
    if (bootStarted()) return; // boot.js runs and reports from here on
    var s = seen[BOOT];
    if (s && s.state === "missing") {
      show("A file of this page is missing", BOOT + " could not be loaded.", advice());
    } else {
      var why = s && s.state === "threw" && !/^Script error\.?$/.test(s.message)
        ? " (" + s.message + ")" : "";
      show("A file of this page is damaged", BOOT + " did not start" + why + ".", advice());
    }
  });

  // The same advice as boot.js gives for a missing or damaged file.
  function advice() {
    return FILE
      ? "This copy of the page is incomplete or damaged. Copy the whole folder again (not only " +
        "index.html), or download it again, then open index.html from the new copy."
      : "Reload the page. If this keeps happening the site is incomplete; developers: run " +
        "`python scripts/build.py` and serve or deploy all of dist/.";
  }

  function show(title, message, advice) {
    window.boot = { mode: FILE ? "file" : "http", ready: false, step: null,
                    error: { title: title, message: message, advice: advice } };
    console.error("[boot-check] " + title + ": " + message);
    var box = document.getElementById("boot-error");
    if (!box) return; // the page itself is cut short
    var stalled = document.getElementById("boot-stalled");
    if (stalled) stalled.remove();
    document.getElementById("boot-status").textContent = "Stopped.";
    document.getElementById("boot").classList.add("boot-failed");
    var again = node("button", "Reload");
    again.type = "button";
    again.addEventListener("click", function () { location.reload(); });
    box.replaceChildren(node("h2", title), node("p", message), withCode(advice), again);
    box.hidden = false;
  }

  function node(tag, text) {
    var n = document.createElement(tag);
    n.textContent = text;
    return n;
  }

  function withCode(text) { // `backticks` shown as <code>
    var p = document.createElement("p");
    text.split("`").forEach(function (part, i) { p.append(i % 2 ? node("code", part) : part); });
    return p;
  }
})();
