"""make bench-phone: three pages on an emulated phone: Largest Contentful Paint, layout shift, bytes."""

# What it does, in order (bench/README.md, "The phone benchmark"):
#   1. a fresh PostgreSQL database and media folder; migrate, collectstatic and load_demo
#      (the hand-written demo) with production settings, as run.py does;
#   2. gunicorn as deployed (gunicorn.conf.py) behind a local nginx whose site is derived
#      from deploy/nginx.conf (its locations, /media/ included when it has one), on http
#      on 127.0.0.1: nginx sends X-Forwarded-Proto https as it does behind TLS;
#   3. Debian's Chromium through Playwright as a phone (390x844, 3x pixels, touch, a
#      mobile user agent), its network and CPU throttled through the DevTools protocol;
#      for the home page, the project list and a hand-written demo project, --runs times:
#      a first view in a fresh browser context (empty cache), then a repeat view in a new
#      tab of the same context (a returning visitor's cache);
#   4. prints the medians and the worst runs against the targets (issue 25, item 14),
#      writes the JSON file, exits 1 if a target is missed.

import argparse
import datetime
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from run import (
    ROOT,
    BenchError,
    Processes,
    clean_up,
    deploy_steps,
    ensure_program,
    finish,
    free_port,
    get,
    git_state,
    log,
    portal_env,
    probe,
    recreate_database,
    run_step,
    start_portal,
    stop_cleanly_on_signals,
    tool_version,
    verdict_lines,
    PYTHON,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/palmecentret_bench_phone"
DEPLOY_NGINX = ROOT / "deploy" / "nginx.conf"
# MEDIA_ROOT in deploy/nginx.conf (and deploy/palmecentret.env.example).
DEPLOY_MEDIA_ROOT = "/srv/palmecentret/media"
NGINX_TEMPLATE = ROOT / "bench" / "nginx.conf"
CHROMIUM = "/usr/bin/chromium"
# The flags our machines need (as tests/browser/conftest.py): no sandbox as root, no GPU,
# no background traffic of Chromium's own to count as the page's bytes.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]

# A mid-range phone on a slow mobile connection (issue 25, item 14): DevTools' throttling
# adds the latency to every request and caps the throughput, in bytes per second.
NETWORK = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 // 8,
           "uploadThroughput": 750_000 // 8, "connectionType": "cellular4g"}
CPU_SLOWDOWN = 4
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3,
         "is_mobile": True, "has_touch": True, "locale": "sv-SE"}

# Issue 25, item 14, for every page (median run): LCP in ms, CLS, KB transferred.
TARGETS = {"lcp_ms": 1500, "cls": 0.05, "first_kb": 250, "repeat_kb": 20}
PAGES = ("home", "projects", "project")
# Plain requests for each page before the browser's, to fill the page cache of each of
# gunicorn's workers (cores + 1) in turn.
WARM_UP_REQUESTS = 20

# Registered before any of the page's own script runs (Playwright's init scripts are not
# subject to the page's Content-Security-Policy): the largest contentful paint so far and
# the sum of the layout shifts not caused by input, as web-vitals counts them (CLS without
# session windows: with a few seconds of a page's life there is one window at most).
VITALS_SCRIPT = """
(() => {
  const vitals = {lcp: null, element: null, fcp: null, cls: 0, shifts: 0};
  const handlers = {
    "largest-contentful-paint": (entry) => {
      vitals.lcp = entry.startTime;
      const el = entry.element;
      const name = el ? el.tagName.toLowerCase() + (el.classList.length ? "." + el.classList[0] : "")
                      : "";
      vitals.element = [name, entry.url ? new URL(entry.url).pathname : ""].join(" ").trim();
    },
    "layout-shift": (entry) => {
      if (!entry.hadRecentInput) { vitals.cls += entry.value; vitals.shifts += 1; }
    },
    "paint": (entry) => {
      if (entry.name === "first-contentful-paint") vitals.fcp = entry.startTime;
    },
  };
  const observers = Object.entries(handlers).map(([type, handle]) => {
    const observer = new PerformanceObserver((list) => list.getEntries().forEach(handle));
    observer.observe({type, buffered: true});
    return [observer, handle];
  });
  // The figures so far, with the entries not yet handed to the callbacks (they arrive in
  // a later task, which may not have run yet).
  window.__benchVitals = () => {
    observers.forEach(([observer, handle]) => observer.takeRecords().forEach(handle));
    return vitals;
  };
})();
"""


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__,
        epilog="Environment: BENCH_PHONE_DATABASE_URL, BENCH_CACHE_URL (passed to the portal "
               "as CACHE_URL, e.g. Redis as in production; cleared before the run).")
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_PHONE_DATABASE_URL") or DEFAULT_DATABASE_URL,
        help="PostgreSQL database to create, fill and drop (default %(default)s)")
    parser.add_argument("--runs", type=int, default=5,
                        help="first and repeat views per page (default %(default)s)")
    parser.add_argument("--settle", type=float, default=1.0,
                        help="seconds to wait after the network is idle before reading "
                             "the figures (default %(default)s)")
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM_PATH") or CHROMIUM)
    parser.add_argument("--output", default=str(ROOT / "bench-phone-results.json"))
    parser.add_argument("--no-fail", action="store_true",
                        help="report missed targets but exit 0")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


# --- nginx --------------------------------------------------------------------------------

def _blocks(text, keyword):
    """The body of each top-level `keyword ... { body }` block of an nginx configuration
    without its comments."""
    found, depth, start = [], 0, None
    for match in re.finditer(r"[{}]", text):
        if match.group() == "{":
            if depth == 0:
                head = text[max(text.rfind(";", 0, match.start()),
                                text.rfind("}", 0, match.start())) + 1:match.start()]
                start = match.start() if head.split()[:1] == [keyword] else None
            depth += 1
        else:
            depth -= 1
            if depth == 0 and start is not None:
                found.append(text[start + 1:match.start()])
    return found


def site_config(deploy_text, listen, upstream, media_root):
    """The https server of deploy/nginx.conf as a plain-http server on `listen`, sending to
    gunicorn at `upstream`, its locations under /media/ reading `media_root` where they
    read production's media folder. Everything else (locations, proxy headers, limits)
    is taken as it is. Returns (config text, (URL prefix, folder under media_root) of the
    first location nginx serves media files from, or None)."""
    text = "\n".join(line.split("#", 1)[0] for line in deploy_text.splitlines())
    servers = [body for body in _blocks(text, "server") if "ssl_certificate" in body]
    if len(servers) != 1:
        raise BenchError(f"expected one https server (with ssl_certificate) in "
                         f"{DEPLOY_NGINX}, found {len(servers)}")
    body = servers[0]
    # TLS, its port and the host names are the proxy's; here plain http on loopback.
    body = re.sub(r"^\s*(listen|server_name|ssl_\w+)\s[^;]*;", "", body, flags=re.M)
    # nginx behind TLS sends "https" for $scheme: without it the portal redirects.
    body = re.sub(r"(proxy_set_header\s+X-Forwarded-Proto\s+)\$scheme;", r"\1https;", body)
    # Every location that reads production's media folder reads the run's instead; the
    # first one that serves files from it (an alias) is probed once nginx runs.
    body = body.replace(DEPLOY_MEDIA_ROOT, media_root.rstrip("/"))
    served = re.search(r"location\s+(/media/[^\s{]*)\s*\{[^{}]*?\balias\s+"
                       + re.escape(media_root.rstrip("/")) + r"(/[^;]*);", body)
    # (the URL prefix, the folder under the run's MEDIA_ROOT it is read from)
    media = (served.group(1), served.group(2).strip("/")) if served else None
    names = set(re.findall(r"proxy_pass\s+https?://([\w.-]+)", body))
    upstreams = "".join(f"upstream {name} {{\n    server {upstream};\n}}\n"
                        for name in sorted(names))
    config = ("# Derived by bench/phone.py from deploy/nginx.conf.\n"
              f"{upstreams}\nserver {{\n    listen {listen};{body.rstrip()}\n}}\n")
    return config, media


def write_nginx_config(run_dir, port, gunicorn_port, media_root):
    """bench/nginx.conf and the site derived from deploy/nginx.conf, in `run_dir`; the
    command that runs nginx in the foreground with them, and what of /media/ nginx serves
    (site_config)."""
    site, media = site_config(DEPLOY_NGINX.read_text(), f"127.0.0.1:{port}",
                              f"127.0.0.1:{gunicorn_port}", str(media_root))
    (run_dir / "site.conf").write_text(site)
    # As root, nginx's workers run as Debian's www-data, as in production.
    user = "user www-data;" if os.geteuid() == 0 else ""
    conf = (NGINX_TEMPLATE.read_text().replace("@RUN_DIR@", str(run_dir))
            .replace("@USER@", user))
    (run_dir / "nginx.conf").write_text(conf)
    command = ["nginx", "-e", str(run_dir / "nginx-error.log"), "-p", str(run_dir),
               "-c", str(run_dir / "nginx.conf"), "-g", "daemon off;"]
    return command, media


def start_nginx(processes, run_dir, gunicorn_port, media_root):
    ensure_program("nginx", "nginx-light")
    port = free_port()
    command, media = write_nginx_config(run_dir, port, gunicorn_port, media_root)
    run_step("nginx-test", [*command, "-t"], os.environ.copy(), run_dir)
    process = processes.start(command, run_dir / "nginx.log", os.environ.copy())
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"nginx exited with {process.returncode}; see {run_dir}")
        try:
            if get(port, "/healthz", timeout=5)[0] == 200:
                break
        except OSError:
            pass
        time.sleep(0.2)
    else:
        raise BenchError(f"nginx did not answer /healthz within 20 s; see {run_dir}")
    if media:
        # The location reads the run's media folder (and nginx's workers may read it).
        prefix, folder = media
        probe_file = Path(media_root) / folder / "bench-probe.jpg"
        probe_file.parent.mkdir(parents=True, exist_ok=True)
        probe_file.write_text("media\n")
        status = get(port, f"{prefix}bench-probe.jpg")[0]
        probe_file.unlink()
        if status != 200:
            raise BenchError(f"nginx answered {status} for a file in MEDIA_ROOT; see "
                             f"{run_dir}/site.conf and nginx-error.log")
    return process, port, media


# --- The browser ----------------------------------------------------------------------------

def phone_context(browser):
    """A fresh browser context (empty cache, no cookies) as a phone."""
    version = browser.version.split(".")[0]
    user_agent = (f"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
                  f"(KHTML, like Gecko) Chrome/{version}.0.0.0 Mobile Safari/537.36")
    context = browser.new_context(user_agent=user_agent, **PHONE)
    context.add_init_script(VITALS_SCRIPT)
    return context


def measure_view(context, url, settle=1.0, throttled=True, timeout_ms=60_000):
    """Load `url` in a new tab of `context` (on the slow network and CPU unless not
    `throttled`) and read the
    page's figures: LCP (ms after navigation start), CLS, and the bytes that came over the
    network (DevTools' encodedDataLength of every finished request: headers and the
    compressed body; 0 for an answer from the cache)."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    requests = {}

    def finished(event):
        requests[event["requestId"]] = event["encodedDataLength"]

    def sent(event):
        requests.setdefault(event["requestId"], 0)

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.loadingFinished", finished)
    cdp.send("Network.enable")
    if throttled:
        cdp.send("Network.emulateNetworkConditions", NETWORK)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    try:
        response = page.goto(url, wait_until="load", timeout=timeout_ms)
        if response is None or response.status != 200:
            raise BenchError(f"{url} answered {response.status if response else 'nothing'}")
        # Images below the first screen that load lazily, late style sheets: whatever the
        # page still fetches by itself counts, and paints may still shift the layout.
        page.wait_for_load_state("networkidle", timeout=timeout_ms)
        page.wait_for_timeout(settle * 1000)
        vitals = page.evaluate("window.__benchVitals()")
        transferred = sum(requests.values())
    finally:
        cdp.detach()
        page.close()
    return {
        "lcp_ms": None if vitals["lcp"] is None else round(vitals["lcp"]),
        "lcp_element": vitals["element"],
        "fcp_ms": None if vitals["fcp"] is None else round(vitals["fcp"]),
        "cls": round(vitals["cls"], 4),
        "layout_shifts": vitals["shifts"],
        "bytes": transferred,
        "requests": len(requests),
        "requests_transferred": sum(1 for size in requests.values() if size > 0),
    }


def measure_page(browser, url, runs, settle):
    """`runs` pairs of views of `url`: first (a fresh context), then repeat (a new tab in
    the same context, with its cache), after one pair that is not counted: it starts the
    browser's processes."""
    views = {"first": [], "repeat": []}
    for run in range(runs + 1):
        context = phone_context(browser)
        try:
            first = measure_view(context, url, settle)
            repeat = measure_view(context, url, settle)
            if run:
                views["first"].append(first)
                views["repeat"].append(repeat)
        finally:
            context.close()
    return views


# --- Report ---------------------------------------------------------------------------------

def summarise(views):
    """Median and worst of each figure per view."""
    summary = {}
    for view, measured in views.items():
        lcps = [m["lcp_ms"] for m in measured if m["lcp_ms"] is not None]
        summary[view] = {
            "lcp_ms": {"median": statistics.median(lcps) if lcps else None,
                       "worst": max(lcps) if len(lcps) == len(measured) else None},
            "cls": {"median": round(statistics.median(m["cls"] for m in measured), 4),
                    "worst": max(m["cls"] for m in measured)},
            "kb": {"median": round(statistics.median(m["bytes"] for m in measured) / 1000, 1),
                   "worst": round(max(m["bytes"] for m in measured) / 1000, 1)},
            "requests": statistics.median(m["requests"] for m in measured),
            "requests_transferred": statistics.median(
                m["requests_transferred"] for m in measured),
            "lcp_elements": sorted({m["lcp_element"] or "none" for m in measured}),
        }
    return summary


def judge(pages):
    """Every target for every page and view, judged on the median run: on a shared machine
    the worst run measures the other processes as much as the page."""
    checks = []
    for name, page in pages.items():
        for view, figures in page["summary"].items():
            for what, value, limit in (
                    (f"{name} {view} view LCP ms", figures["lcp_ms"]["median"],
                     TARGETS["lcp_ms"]),
                    (f"{name} {view} view CLS", figures["cls"]["median"], TARGETS["cls"]),
                    (f"{name} {view} view KB", figures["kb"]["median"],
                     TARGETS[f"{view}_kb"])):
                checks.append({"what": what, "value": value, "limit": f"< {limit:g}",
                               "ok": value is not None and value < limit})
    return checks


def format_report(results, checks):
    failed_checks = {c["what"] for c in checks if not c["ok"]}
    lines = ["", f"phone: {PHONE['viewport']['width']}x{PHONE['viewport']['height']} at "
             f"{PHONE['device_scale_factor']}x, {NETWORK['latency']} ms latency, "
             f"{NETWORK['downloadThroughput'] * 8 / 1e6:g} Mbit/s down, "
             f"{NETWORK['uploadThroughput'] * 8 / 1e3:g} kbit/s up, CPU {CPU_SLOWDOWN}x "
             f"slower; {results['config']['runs']} runs a page, median/worst",
             f"targets (median run): LCP < {TARGETS['lcp_ms']} ms, CLS < {TARGETS['cls']}, "
             f"first view < {TARGETS['first_kb']} KB, repeat view < {TARGETS['repeat_kb']} KB",
             f"{'page':<10}{'view':<8}{'LCP ms':>12}{'CLS':>14}{'KB':>14}{'requests':>11}"
             "  target  LCP element"]
    for name, page in results["pages"].items():
        for view, f in page["summary"].items():
            def pair(figure, fmt):
                median, worst = f[figure]["median"], f[figure]["worst"]
                return "/".join("-" if v is None else format(v, fmt) for v in (median, worst))
            failed = [what for what in ("LCP ms", "CLS", "KB")
                      if f"{name} {view} view {what}" in failed_checks]
            verdict = "FAIL " + ",".join(failed) if failed else "pass"
            lines.append(f"{name:<10}{view:<8}{pair('lcp_ms', '.0f'):>12}"
                         f"{pair('cls', '.3f'):>14}{pair('kb', '.1f'):>14}"
                         f"{f['requests_transferred']:>6g} of {f['requests']:<3g}"
                         f" {verdict:<7} {'; '.join(f['lcp_elements'])}")
    lines.append("(requests: those that came over the network, of all the page made; "
                 "KB = 1,000 bytes, headers included)")
    lines.append(f"media: {results['config']['media']}; cache: {results['config']['cache']}")
    return "\n".join(lines + verdict_lines(checks))


# --- Main -----------------------------------------------------------------------------------

def main():
    args = parse_args()
    stop_cleanly_on_signals()
    processes = Processes()
    run_dir = Path(tempfile.mkdtemp(prefix="palmecentret-bench-phone-"))
    # nginx's workers (www-data when run as root) read the media folder.
    run_dir.chmod(0o755)
    media_root = run_dir / "media"
    media_root.mkdir(mode=0o755)
    env = dict(portal_env(args.database_url), MEDIA_ROOT=str(media_root))
    created = False
    results = {
        "started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "config": {"runs": args.runs, "settle_seconds": args.settle, "network": NETWORK,
                   "cpu_slowdown": CPU_SLOWDOWN, "phone": PHONE},
        "targets": TARGETS,
    }
    try:
        if not os.access(args.chromium, os.X_OK):
            raise BenchError(f"no Chromium at {args.chromium}: apt-get install chromium")
        log(f"logs in {run_dir}")
        recreate_database(args.database_url)
        created = True
        log("migrate, collectstatic, load_demo (production settings)")
        deploy_steps(env, run_dir)
        run_step("load_demo", [PYTHON, "manage.py", "load_demo", "--allow-production"],
                 env, run_dir)
        urls = {p["name"]: p["path"] for p in probe(["urls"], env, run_dir, "urls")["pages"]}
        probe(["clear-cache"], env, run_dir, "clear-cache")
        _, gunicorn_port = start_portal(processes, env, run_dir / "gunicorn.log")
        _, port, media = start_nginx(processes, run_dir, gunicorn_port, media_root)
        # Production's visitors keep the page cache filled; with the default cache (each
        # worker's own memory rather than Redis) every worker has to be reached.
        for name in PAGES:
            for _ in range(WARM_UP_REQUESTS):
                get(port, urls[name])
        results["config"]["cache"] = env.get("CACHE_URL", "portal default (each worker's own)")
        results["config"]["media"] = (
            f"nginx serves {media[0]} from MEDIA_ROOT/{media[1]} (deploy/nginx.conf)"
            if media else "deploy/nginx.conf serves no media files: /media/ goes to "
                          "gunicorn, as in production")
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium,
                                                 headless=True, args=CHROMIUM_ARGS)
            results["machine"] = {"cores": os.cpu_count(), "chromium": browser.version,
                                  "nginx": tool_version(["nginx", "-v"]),
                                  "commit": git_state()}
            results["pages"] = {}
            for name in PAGES:
                url = f"http://127.0.0.1:{port}{urls[name]}"
                log(f"{name} {urls[name]}: {args.runs} x first and repeat view")
                views = measure_page(browser, url, args.runs, args.settle)
                results["pages"][name] = {"path": urls[name], "runs": views,
                                          "summary": summarise(views)}
            browser.close()
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bench: interrupted; stopping what was started", file=sys.stderr)
        return 130
    finally:
        clean_up(processes, args.database_url if created else None)

    return finish(results, judge(results["pages"]), format_report, args, run_dir)


if __name__ == "__main__":
    sys.exit(main())
