#!/usr/bin/env python3
"""The soak: hours of a city's mixed traffic on the real hotlined, sampled every 10 s.

Operators submit (a steady rate with bursts), search, urge, rate and call back; the units
claim, report progress and reply; watchers come and go; the admin moves the manual clock
ten minutes every ten seconds, so that deadlines pass and the SLA clock sweeps. The daemon's
RSS, open descriptors and WAL size go to a CSV every 10 s, and a PNG is drawn with gnuplot.

Pass: RSS and descriptors grow less than 5 % over the second half, the WAL stays under its
bound, and no call gets an error but the expected ones (a race between two clients on one
ticket: InvalidTransition; a citizen's second rating: the same).

Run through scripts/soak (as root: the clients run under the test configuration's uids).
"""
import argparse
import csv
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone

UNITS = [("water", 2001), ("power", 2002), ("gas", 2003)]
OPERATOR, SUPERVISOR = 1001, 1002
CHINA = timezone(timedelta(hours=8))
# Errors a correct daemon gives under this traffic: two clients acting on one ticket at once.
EXPECTED = {"org.hotline.Dispatch.InvalidTransition"}

CONFIG = """
[daemon]
socket_mode = "0666"
timezone = "Asia/Shanghai"

[calendar]
years = [2026, 2027]

[roles]
operators = { uids = [1001] }
supervisors = { uids = [1002] }

[[unit]]
id = "water"
name = "市水务集团"
uids = [2001]

[[unit]]
id = "power"
name = "国网供电公司"
uids = [2002]

[[unit]]
id = "gas"
name = "市燃气公司"
uids = [2003]

[[route]]
unit = "water"
keywords = ["停水", "漏水"]

[[route]]
unit = "power"
keywords = ["停电", "路灯"]

[[route]]
unit = "gas"
keywords = ["燃气"]
"""

CONTENTS = ["小区停水三天了", "路灯不亮很久了", "楼道有燃气味", "水管漏水", "小区停电", "噪音扰民", "建议增加公交线路"]


class Connection:
    """One Varlink connection: JSON messages ended by NUL."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.settimeout(60)
        self.sock.connect(path)
        self.buffer = b""

    def send(self, method, parameters=None, more=False):
        message = {"method": method, "parameters": parameters or {}}
        if more:
            message["more"] = True
        self.sock.sendall(json.dumps(message).encode() + b"\0")

    def receive(self):
        while b"\0" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("the daemon closed the connection")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, parameters=None):
        self.send(method, parameters)
        return self.receive()

    def close(self):
        self.sock.close()


class Tally:
    """Calls made and errors seen, by name (shared through a pipe from the worker processes)."""

    def __init__(self):
        self.calls = 0
        self.errors = {}

    def record(self, reply):
        self.calls += 1
        if "error" in reply:
            self.errors[reply["error"]] = self.errors.get(reply["error"], 0) + 1
        return reply


def worker(role, uid, socket_path, stop_at, rate, seed, out):
    """One client process under `uid`, doing `role`'s work until `stop_at`."""
    random.seed(seed)
    if uid != 0:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    tally = Tally()
    connection = Connection(socket_path)
    tickets = []  # ids this worker has seen
    n = 0
    while time.time() < stop_at:
        n += 1
        if role == "operator":
            # The centre's rate, with a burst (a burst pipe, a storm) three minutes in every ten.
            burst = (time.time() % 600) < 180 and (time.time() % 600) > 150
            time.sleep(random.expovariate(rate * (8 if burst else 1)))
            phone = "138%08d" % random.randrange(5000)
            reply = tally.record(
                connection.call(
                    "org.hotline.Dispatch.Submit",
                    {
                        "channel": random.choice(["hotline", "mailbox", "web"]),
                        "submissionId": "soak-%d-%d-%d" % (os.getpid(), seed, n),
                        "content": random.choice(CONTENTS) + "（第%d号）" % n,
                        "citizen": {"name": "市民", "phone": phone},
                        "location": {"district": random.choice(["岳阳楼区", "君山区", "云溪区"])},
                    },
                )
            )
            if "error" not in reply:
                tickets.append(reply["parameters"]["ticket"]["id"])
            r = random.random()
            if r < 0.2:
                tally.record(connection.call("org.hotline.Dispatch.Search", {"phone": phone, "limit": 10}))
            elif r < 0.3:
                tally.record(connection.call("org.hotline.Dispatch.Search", {"text": "停水", "limit": 20}))
            elif r < 0.35 and tickets:
                tally.record(connection.call("org.hotline.Knowledge.Search", {"text": "停水"}))
            # Rate what was replied, call back what was rated badly.
            if n % 5 == 0:
                page = tally.record(connection.call("org.hotline.Dispatch.List", {"status": ["replied"], "limit": 20}))
                for t in page.get("parameters", {}).get("tickets", [])[:5]:
                    bad = random.random() < 0.15
                    tally.record(
                        connection.call(
                            "org.hotline.Dispatch.Rate",
                            {
                                "id": t["id"],
                                "rating": "dissatisfied" if bad else "satisfied",
                                "solved": not bad,
                            },
                        )
                    )
                page = tally.record(connection.call("org.hotline.Dispatch.List", {"status": ["callback"], "limit": 20}))
                for t in page.get("parameters", {}).get("tickets", [])[:5]:
                    tally.record(
                        connection.call(
                            "org.hotline.Dispatch.Callback",
                            {"id": t["id"], "outcome": random.choice(["explained", "rectify"]), "note": "已回访"},
                        )
                    )
            if n % 50 == 0 and tickets:
                tally.record(connection.call("org.hotline.Dispatch.Urge", {"id": random.choice(tickets), "note": "市民再次来电"}))
            tickets = tickets[-200:]
        elif role == "unit":
            time.sleep(random.uniform(0.2, 1.0))
            page = tally.record(connection.call("org.hotline.Dispatch.List", {"status": ["dispatched"], "limit": 20}))
            for t in page.get("parameters", {}).get("tickets", [])[:10]:
                tally.record(connection.call("org.hotline.Dispatch.Claim", {"id": t["id"]}))
            page = tally.record(connection.call("org.hotline.Dispatch.List", {"status": ["claimed"], "limit": 20}))
            for t in page.get("parameters", {}).get("tickets", [])[:10]:
                if random.random() < 0.2:
                    tally.record(connection.call("org.hotline.Dispatch.Progress", {"id": t["id"], "note": "正在处理"}))
                else:
                    tally.record(connection.call("org.hotline.Dispatch.Reply", {"id": t["id"], "result": "已处理完毕"}))
        elif role == "watcher":
            # Watch for a while, then hang up and come back.
            watch = Connection(socket_path)
            watch.sock.settimeout(1)
            watch.send("org.hotline.Dispatch.Watch", more=True)
            until = min(stop_at, time.time() + random.uniform(5, 60))
            while time.time() < until:
                try:
                    watch.receive()
                except socket.timeout:
                    pass
            watch.close()
            tally.calls += 1
        elif role == "supervisor":
            time.sleep(random.uniform(2, 6))
            now = datetime.now(CHINA)
            tally.record(
                connection.call(
                    "org.hotline.Dispatch.Stats",
                    {"from": (now - timedelta(days=30)).isoformat(), "to": (now + timedelta(days=400)).isoformat()},
                )
            )
            tally.record(
                connection.call(
                    "org.hotline.Dispatch.Hotspots",
                    {"from": (now - timedelta(days=7)).isoformat(), "to": (now + timedelta(days=400)).isoformat(), "by": "category"},
                )
            )
    connection.close()
    out.send((tally.calls, tally.errors))
    out.close()


def sample(pid, database):
    """RSS (KiB), open descriptors and the WAL's size (bytes) of the daemon now."""
    rss = 0
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    fds = len(os.listdir("/proc/%d/fd" % pid))
    try:
        wal = os.path.getsize(database + "-wal")
    except OSError:
        wal = 0
    return rss, fds, wal


def plot(csv_path, png_path, title):
    script = f"""
set terminal pngcairo size 1200,900 font ",10"
set output '{png_path}'
set datafile separator ','
set multiplot layout 3,1 title '{title}'
set grid
set xlabel 'minutes'
set ylabel 'RSS (MiB)'
plot '{csv_path}' using ($1/60):($2/1024) every ::1 with lines lw 2 title 'RSS'
set ylabel 'open descriptors'
plot '{csv_path}' using ($1/60):3 every ::1 with lines lw 2 title 'descriptors'
set ylabel 'WAL (MiB)'
plot '{csv_path}' using ($1/60):($4/1048576) every ::1 with lines lw 2 title 'WAL'
unset multiplot
"""
    subprocess.run(["gnuplot"], input=script.encode(), check=True)


def median(values):
    values = sorted(values)
    return values[len(values) // 2] if values else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hotlined", required=True)
    parser.add_argument("--directory", required=True)
    parser.add_argument("--duration", type=float, default=3600, help="seconds (default an hour)")
    parser.add_argument("--rate", type=float, default=2.0, help="Submits a second per operator outside bursts")
    parser.add_argument("--operators", type=int, default=4)
    parser.add_argument("--watchers", type=int, default=6)
    parser.add_argument("--wal-bound", type=float, default=64, help="MiB the WAL must stay under")
    parser.add_argument("--history", type=int, default=20000, help="tickets submitted before the traffic starts")
    arguments = parser.parse_args()

    directory = arguments.directory
    os.makedirs(directory, exist_ok=True)
    os.chmod(directory, 0o755)
    database = os.path.join(directory, "soak.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(database + suffix):
            os.remove(database + suffix)
    config = os.path.join(directory, "soak.toml")
    with open(config, "w") as f:
        f.write(CONFIG)
    socket_path = os.path.join(directory, "soak.sock")
    log = open(os.path.join(directory, "hotlined.log"), "w")
    daemon = subprocess.Popen(
        [arguments.hotlined, "--config", config, "--socket", socket_path, "--database", database, "--manual-clock"],
        stdout=log,
        stderr=log,
    )
    for _ in range(400):
        try:
            Connection(socket_path).call("org.varlink.service.GetInfo")
            break
        except OSError:
            time.sleep(0.05)
    admin = Connection(socket_path)
    # A Monday morning; the clock then moves ten minutes every ten seconds.
    simulated = datetime(2026, 11, 2, 8, 0, tzinfo=CHINA)
    admin.call("org.hotline.Testing.SetTime", {"now": simulated.isoformat()})

    # Warm-up: a site with a history (its pages fill the daemon's caches as they would after a
    # few days, rather than during the judged half), then concurrent reads, so that the pool of
    # readers opens all its connections now.
    def history(client, count):
        c = Connection(socket_path)
        for n in range(count):
            c.call(
                "org.hotline.Dispatch.Submit",
                {
                    "channel": "hotline",
                    "submissionId": "history-%d-%d" % (client, n),
                    "content": random.choice(CONTENTS) + "（旧%d号）" % n,
                    "citizen": {"phone": "139%08d" % random.randrange(100000)},
                },
            )
        c.close()

    loaders = [threading.Thread(target=history, args=(i, arguments.history // 8)) for i in range(8)]
    for t in loaders:
        t.start()
    for t in loaders:
        t.join()

    def reads():
        c = Connection(socket_path)
        for _ in range(20):
            c.call("org.hotline.Dispatch.Search", {"text": "停水", "limit": 20})
        c.close()

    warm = [threading.Thread(target=reads) for _ in range(12)]
    for t in warm:
        t.start()
    for t in warm:
        t.join()

    import multiprocessing

    start = time.time()
    stop_at = start + arguments.duration
    pipes = []
    processes = []

    def spawn(role, uid, seed):
        receiving, sending = multiprocessing.Pipe(duplex=False)
        p = multiprocessing.Process(
            target=worker, args=(role, uid, socket_path, stop_at, arguments.rate, seed, sending)
        )
        p.start()
        sending.close()
        pipes.append(receiving)
        processes.append(p)

    seed = 0
    for _ in range(arguments.operators):
        seed += 1
        spawn("operator", OPERATOR, seed)
    for _, uid in UNITS:
        seed += 1
        spawn("unit", uid, seed)
    for i in range(arguments.watchers):
        seed += 1
        spawn("watcher", [OPERATOR, SUPERVISOR, 2001, 2002, 2003][i % 5], seed)
    seed += 1
    spawn("supervisor", SUPERVISOR, seed)

    csv_path = os.path.join(directory, "soak.csv")
    rows = []
    sweeps = 0
    sweep_errors = {}
    with open(csv_path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["seconds", "rss_kib", "fds", "wal_bytes"])
        next_sample = start
        while time.time() < stop_at:
            time.sleep(max(0, min(next_sample, stop_at) - time.time()))
            if daemon.poll() is not None:
                print("soak: FAIL: hotlined exited with %d" % daemon.returncode)
                sys.exit(1)
            row = (round(time.time() - start), *sample(daemon.pid, database))
            writer.writerow(row)
            f.flush()
            rows.append(row)
            simulated += timedelta(minutes=10)
            reply = admin.call("org.hotline.Testing.SetTime", {"now": simulated.isoformat()})
            sweeps += 1
            if "error" in reply:
                sweep_errors[reply["error"]] = sweep_errors.get(reply["error"], 0) + 1
            next_sample += 10
    calls = sweeps
    errors = dict(sweep_errors)
    for receiving, p in zip(pipes, processes):
        p.join(timeout=120)
        if receiving.poll(5):
            c, e = receiving.recv()
            calls += c
            for name, count in e.items():
                errors[name] = errors.get(name, 0) + count
        else:
            errors["a client process that did not report"] = errors.get("a client process that did not report", 0) + 1
    status = admin.call("org.hotline.Dispatch.Status")["parameters"]
    daemon.send_signal(signal.SIGTERM)
    daemon.wait(timeout=60)

    png_path = os.path.join(directory, "soak.png")
    title = "hotlined soak: %.0f min, %d calls" % (arguments.duration / 60, calls)
    try:
        plot(csv_path, png_path, title)
    except (OSError, subprocess.CalledProcessError) as error:
        print("soak: no plot (%s)" % error)

    # Judgement: the second half's last quarter against its first. RSS by the median; the
    # descriptors by the least in each quarter, since watchers coming and going move them by
    # a few at any moment and a leak shows as a floor that rises.
    half = [r for r in rows if r[0] >= arguments.duration / 2]
    quarter = max(1, len(half) // 4)
    head, tail = half[:quarter], half[-quarter:]
    rss_growth = (median([r[1] for r in tail]) / median([r[1] for r in head]) - 1) * 100
    fds_growth = (min(r[2] for r in tail) / min(r[2] for r in head) - 1) * 100
    wal_max = max(r[3] for r in rows) / 1048576
    unexpected = {name: count for name, count in errors.items() if name not in EXPECTED}
    print(
        "soak: %.0f s, %d calls, %d clock moves (%s simulated), %s open at the end"
        % (arguments.duration, calls, sweeps, simulated.strftime("%m-%d %H:%M"), status.get("open"))
    )
    print(
        "soak: RSS %.1f → %.1f MiB (max %.1f), second half %+.1f %%; descriptors %d → %d, second half %+.1f %%; WAL max %.1f MiB"
        % (
            rows[0][1] / 1024,
            rows[-1][1] / 1024,
            max(r[1] for r in rows) / 1024,
            rss_growth,
            rows[0][2],
            rows[-1][2],
            fds_growth,
            wal_max,
        )
    )
    print("soak: expected errors %s; unexpected %s" % ({k: v for k, v in errors.items() if k in EXPECTED}, unexpected))
    print("soak: samples in %s, plot in %s" % (csv_path, png_path))
    failed = []
    if rss_growth >= 5:
        failed.append("RSS grew %.1f %% over the second half" % rss_growth)
    if fds_growth >= 5:
        failed.append("descriptors grew %.1f %% over the second half" % fds_growth)
    if wal_max >= arguments.wal_bound:
        failed.append("the WAL reached %.1f MiB" % wal_max)
    if unexpected:
        failed.append("unexpected errors %s" % unexpected)
    if failed:
        print("soak: FAIL: " + "; ".join(failed))
        sys.exit(1)
    print("soak: passed")


if __name__ == "__main__":
    main()
