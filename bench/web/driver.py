"""Page benchmark driver (stdlib only): starts `ingot serve` pinned to core 0, signs in, loads
every page family with wrk pinned to core 1 (16 connections), and reports requests per second of
server CPU (user + system time of the server's processes while wrk ran), p50, p99, non-2xx
answers and the database server's CPU per request (PostgreSQL's processes; 0 on SQLite); then the Django + gunicorn peer in the same way on the same database.

Called by bench/web/run.sh, which builds Ingot, fills the database and makes the virtualenv.
"""
import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def tree(pid):
    """pid and its descendants."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry))
            except OSError:
                pass
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def cpu_seconds(pid):
    total = 0
    for p in tree(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total / CLK_TCK


def database_cpu():
    """CPU seconds of each PostgreSQL server process (none on SQLite), by pid: the work a page
    moves into the database, which the server's own figure does not show."""
    out = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    head, rest = f.read().rsplit(")", 1)
                if head.split("(", 1)[1] == "postgres":
                    fields = rest.split()
                    out[entry] = (int(fields[11]) + int(fields[12])) / CLK_TCK
            except (OSError, IndexError):
                pass
    return out


def database_cpu_since(before):
    """CPU used since `before` by the processes alive now (one that exited in between is lost,
    so the figure is a floor)."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in database_cpu().items())


def peak_rss_mb(pid):
    total = 0
    for p in tree(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def wait_up(url, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except Exception:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def to_ms(text):
    """wrk's latency (`812.00us`, `3.21ms`, `1.02s`, `1.50m`) in milliseconds; NaN when wrk
    had none to give (`-nanus`, no request finished)."""
    m = re.match(r"([\d.]+)(us|ms|s|m)$", text)
    if not m:
        return float("nan")
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[m.group(2)]
    return float(m.group(1)) * scale


def wrk_start(url, headers, seconds, connections, script=None):
    args = ["taskset", "-c", "1", "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for h in headers:
        args += ["-H", h]
    if script:
        args += ["-s", script]
    return subprocess.Popen(args + [url], stdout=subprocess.PIPE, text=True)


def wrk_result(proc, url):
    out = proc.communicate()[0]
    if proc.returncode != 0:
        raise SystemExit(f"wrk failed for {url}:\n{out}")
    p50, p99 = re.search(r"50%\s+(\S+)", out), re.search(r"99%\s+(\S+)", out)
    if not (p50 and p99):
        raise SystemExit(f"wrk gave no latencies for {url}:\n{out}")
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    p50, p99 = to_ms(p50.group(1)), to_ms(p99.group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return requests, p50, p99, int(bad.group(1)) if bad else 0, errors.group(1) if errors else ""


def wrk(url, headers, seconds, connections, script=None):
    return wrk_result(wrk_start(url, headers, seconds, connections, script), url)


def measure(name, pid, url, headers, seconds, connections, script=None):
    return measure_spread(name, [pid], [url], headers, seconds, connections, script)


def measure_spread(name, pids, urls, headers, seconds, connections, script=None):
    """Loads one server, or several at once (one wrk each, the connections shared out) as a
    round-robin balancer would; requests and CPU are summed over the servers, the latencies
    are the worst server's."""
    share = max(connections // len(urls), 1)
    for url in urls:
        wrk(url, headers, 1, share, script)  # warm-up
    before, database_before = sum(cpu_seconds(p) for p in pids), database_cpu()
    procs = [(wrk_start(url, headers, seconds, share, script), url) for url in urls]
    results = [wrk_result(proc, url) for proc, url in procs]
    cpu = sum(cpu_seconds(p) for p in pids) - before
    requests = sum(r[0] for r in results)
    p50, p99 = max(r[1] for r in results), max(r[2] for r in results)
    bad = sum(r[3] for r in results)
    errors = "; ".join(r[4] for r in results if r[4])
    database_ms = database_cpu_since(database_before) * 1000 / max(requests, 1)
    row = {
        "page": name,
        "requests": requests,
        "per_cpu_s": requests / cpu if cpu > 0 else float("nan"),
        "per_s": requests / seconds,
        "p50_ms": p50,
        "p99_ms": p99,
        "non_2xx": bad,
        "errors": errors,
        "database_cpu_ms": database_ms,
    }
    print(
        f"  {name:<34} {row['per_cpu_s']:>9.0f} {row['per_s']:>8.0f} {p50:>8.2f} {p99:>8.2f} {bad:>7}"
        f" {database_ms:>9.2f}"
        + (f"  socket errors: {errors}" if errors else ""),
        flush=True,
    )
    return row


class Session:
    """A signed-in browser: its cookie header and the CSRF token of its pages."""

    def __init__(self, base, username, password):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )
        self.open = opener.open
        self.csrf = self.token_of(self.get("/login"))
        form = urllib.parse.urlencode(
            {"_csrf": self.csrf, "username": username, "password": password, "next": "/"}
        ).encode()
        try:
            self.open(urllib.request.Request(base + "/login", data=form))
            raise SystemExit(f"sign-in of {username} did not redirect")
        except urllib.error.HTTPError as e:
            if e.code != 303:
                raise SystemExit(f"sign-in of {username}: {e.code} {e.read()[:300]}")
        self.csrf = self.token_of(self.get("/proposals/new"))

    def get(self, path):
        return self.open(self.base + path).read().decode()

    @staticmethod
    def token_of(html):
        return re.search(r'name="_csrf" value="([^"]+)"', html).group(1)

    def cookie(self):
        return "Cookie: " + "; ".join(f"{c.name}={c.value}" for c in self.jar)


def two_servers(cfg, env, work, first_pid, base, seconds, conns, plan):
    """A second `ingot serve` on the same PostgreSQL, pinned to the same core, and each page
    loaded on both at once with the same sessions: what a second process adds or costs."""
    port = free_port()
    second = subprocess.Popen(
        ["taskset", "-c", "0", cfg["ingot"], "serve", "--listen", f"127.0.0.1:{port}",
         "--files-dir", f"{work}/files"],
        env=env, stdout=open(f"{work}/server2.log", "w"), stderr=subprocess.STDOUT,
    )
    rows = []
    try:
        other = f"http://127.0.0.1:{port}"
        wait_up(other + "/healthz")
        print(f"\nTwo ingot serve processes on one PostgreSQL, both on core 0, {conns} "
              "connections shared between them", flush=True)
        header()
        for name, path, headers, script in plan:
            rows.append(measure_spread(f"2 servers: {name}", [first_pid, second.pid],
                                       [base + path, other + path], headers, seconds, conns,
                                       script))
    finally:
        second.terminate()
        second.wait()
    return rows


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def api(base, token, path):
    req = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    return json.loads(urllib.request.urlopen(req).read())


def header():
    print(f"  {'page':<34} {'req/CPU-s':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>7}"
          f" {'db CPU ms':>9}")


def main():
    cfg = json.loads(sys.argv[1])
    ingot, work = cfg["ingot"], cfg["work"]
    seconds, conns = int(cfg["seconds"]), int(cfg["connections"])
    env = dict(
        os.environ,
        DATABASE_URL=cfg["database_url"],
        INGOT_LOG="error",
        NO_COLOR="1",
        INGOT_API_LIMIT_PER_ADDRESS="100000000/60",
        INGOT_API_LIMIT_PER_ACCOUNT="100000000/60",
        INGOT_SIGN_IN_LIMIT_PER_ADDRESS="off",
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        ["taskset", "-c", "0", ingot, "serve", "--listen", f"127.0.0.1:{port}",
         "--files-dir", f"{work}/files"],
        env=env, stdout=open(f"{work}/server.log", "w"), stderr=subprocess.STDOUT,
    )
    rows = []
    try:
        wait_up(base + "/healthz")
        token = cfg["admin_token"]
        admin = Session(base, cfg["admin"], cfg["password"])
        demo = Session(base, "admin", cfg["demo_password"])
        employee = Session(base, cfg["employee"], cfg["password"])
        # Drafts written by the form-post row belong to another person of the same unit, so
        # that the employee's search and lists measured in later runs do not grow with them.
        poster = Session(base, cfg["poster"], cfg["password"])
        generated = api(base, token, "/api/v1/proposals?view=all&per_page=1")
        proposal = generated["items"][0]["id"]
        unit = api(base, cfg["poster_token"], "/api/v1/me")["user"]["org_id"]
        studio = api(base, token, "/api/v1/studios?per_page=1")["items"][0]["id"]
        # The generated country's top organisation, whose annual summary covers it all.
        root = api(base, token, "/api/v1/me")["user"]["org_id"]
        lang = "Accept-Language: zh"
        auth = f"Authorization: Bearer {token}"
        search = "/search?q=" + urllib.parse.quote("皮带输送机")
        post_script = f"{work}/post.lua"
        body = urllib.parse.urlencode({
            "_csrf": poster.csrf, "title": "关于托辊改用密封轴承的建议",
            "problem": "托辊卡死造成皮带跑偏。", "proposed_change": "改用密封轴承托辊。",
            "expected_effect": "减少停机。", "category": "small_innovation", "unit_id": unit,
        })
        with open(post_script, "w") as f:
            f.write('wrk.method = "POST"\n')
            f.write(f"wrk.body = {json.dumps(body)}\n")
            f.write('wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n')
        print(f"\nIngot on {cfg['label']}: {cfg['size']}; server pinned to core 0, wrk on core 1, "
              f"{conns} connections, {seconds} s each", flush=True)
        header()
        pid = server.pid
        plan = [
            ("/healthz (floor)", "/healthz", [lang]),
            (f"proposal page /proposals/{proposal}", f"/proposals/{proposal}", [admin.cookie(), lang]),
            (f"API /api/v1/proposals/{proposal}", f"/api/v1/proposals/{proposal}", [auth]),
            ("proposals list /proposals", "/proposals?view=all", [admin.cookie(), lang]),
            ("API /api/v1/proposals (list)", "/api/v1/proposals?view=all", [auth]),
            ("dashboard / (national admin)", "/", [admin.cookie(), lang]),
            ("proposal statistics", "/proposals/stats", [admin.cookie(), lang]),
            ("search 皮带输送机", search, [admin.cookie(), lang]),
            ("search, an employee's scope", search, [employee.cookie(), lang]),
            ("studios list /studios", "/studios", [admin.cookie(), lang]),
            ("studio statistics /studios/stats", "/studios/stats", [admin.cookie(), lang]),
            (f"studio page /studios/{studio}", f"/studios/{studio}", [admin.cookie(), lang]),
            ("annual summary /reports/annual (national, 2025)", "/reports/annual?year=2025",
             [admin.cookie(), lang]),
            ("API annual summary (national, 2025)", f"/api/v1/reports/annual-summary?unit_id={root}&year=2025",
             [auth]),
            ("rankings /reports/rankings (provinces, 2025)", "/reports/rankings?year=2025&by=implementation_rate",
             [admin.cookie(), lang]),
            ("programme overview /programmes/1", "/programmes/1", [demo.cookie(), lang]),
            ("campaign results /campaigns/1/results", "/campaigns/1/results", [demo.cookie(), lang]),
        ]
        for name, path, headers in plan:
            rows.append(measure(name, pid, base + path, headers, seconds, conns))
        # Latency without queueing: one connection, as one person searching meets it.
        rows.append(measure("search, 1 connection (national)", pid, base + search,
                            [admin.cookie(), lang], seconds, 1))
        rows.append(measure("search, 1 connection (employee)", pid, base + search,
                            [employee.cookie(), lang], seconds, 1))
        rows.append(measure("form post: new draft (writes)", pid, base + "/proposals",
                            [poster.cookie(), lang], seconds, conns, post_script))
        rows.append(measure("export /proposals/export (whole list)", pid,
                            base + "/proposals/export?view=all",
                            [admin.cookie(), lang], max(2, seconds // 2), conns))
        rss = peak_rss_mb(pid)
        print(f"  peak resident memory of ingot serve: {rss:.0f} MB", flush=True)
        if cfg["label"] == "postgres":
            rows += two_servers(cfg, env, work, pid, base, seconds, conns, [
                (f"proposal page /proposals/{proposal}", f"/proposals/{proposal}",
                 [admin.cookie(), lang], None),
                ("dashboard / (national admin)", "/", [admin.cookie(), lang], None),
                ("search, an employee's scope", search, [employee.cookie(), lang], None),
                ("form post: new draft (writes)", "/proposals", [poster.cookie(), lang],
                 post_script),
            ])
    finally:
        server.terminate()
        server.wait()

    peer_port = free_port()
    peer_env = dict(os.environ, PEER_DATABASE_URL=cfg["database_url"])
    peer = subprocess.Popen(
        ["taskset", "-c", "0", f"{cfg['venv']}/bin/gunicorn", "-w", "1", "-b",
         f"127.0.0.1:{peer_port}", "--log-level", "warning", "peer_site:application"],
        cwd=os.path.dirname(os.path.abspath(__file__)), env=peer_env,
        stdout=open(f"{work}/peer.log", "w"), stderr=subprocess.STDOUT,
    )
    peer_rows = []
    try:
        wait_up(f"http://127.0.0.1:{peer_port}/proposals/{proposal}")
        print("\nPeer: Django 5.2 + gunicorn (1 sync worker), one primary-key query and a template, "
              "no session; same database, same pinning", flush=True)
        header()
        for name, path in [(f"page /proposals/{proposal}", f"/proposals/{proposal}"),
                           (f"JSON /api/proposals/{proposal}", f"/api/proposals/{proposal}")]:
            peer_rows.append(measure(name, peer.pid, f"http://127.0.0.1:{peer_port}{path}", [],
                                     seconds, conns))
    finally:
        peer.terminate()
        peer.wait()

    page, twin = rows[1]["per_cpu_s"], rows[2]["per_cpu_s"]
    print(f"\n  record page vs peer page: {page / peer_rows[0]['per_cpu_s']:.1f}x; "
          f"API read vs peer JSON: {twin / peer_rows[1]['per_cpu_s']:.1f}x")
    with open(cfg["out"], "w") as f:
        json.dump({"label": cfg["label"], "size": cfg["size"], "ingot": rows, "peer": peer_rows,
                   "peak_rss_mb": rss}, f, indent=1, ensure_ascii=False)


if __name__ == "__main__":
    main()
