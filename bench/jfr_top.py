#!/usr/bin/env python3
"""Hot spots of a JFR recording: `jfr print --json --events jdk.ExecutionSample` aggregated.

Prints: samples per thread, self time per method (top frame), inclusive time per io.hookline method (anywhere on
the stack), and self time per library (package prefix). Usage: jfr_top.py FILE.jfr [TOP]
"""
import collections
import json
import subprocess
import sys

LIBS = [("io.hookline.", "hookline"), ("io.vertx.pgclient", "vertx-pg-client"),
        ("io.vertx.sqlclient", "vertx-sql-client"),
        ("io.vertx.ext.web", "vertx-web"), ("io.vertx.core", "vertx-core"), ("io.netty.", "netty"),
        ("com.fasterxml.jackson", "jackson"), ("ch.qos.logback", "logback"), ("org.slf4j", "slf4j"),
        ("io.micrometer", "micrometer"), ("java.", "jdk"), ("javax.", "jdk"), ("jdk.", "jdk"), ("sun.", "jdk")]


def lib(cls):
    for prefix, name in LIBS:
        if cls.startswith(prefix):
            return name
    return cls.rsplit(".", 1)[0]


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    raw = subprocess.run(["jfr", "print", "--json", "--events", "jdk.ExecutionSample", path],
                         check=True, capture_output=True, text=True).stdout
    events = json.loads(raw)["recording"]["events"]
    self_t = collections.Counter()
    incl = collections.Counter()
    libs = collections.Counter()
    threads = collections.Counter()
    n = 0
    for e in events:
        v = e["values"]
        frames = (v.get("stackTrace") or {}).get("frames") or []
        if not frames:
            continue
        n += 1
        threads[(v.get("sampledThread") or {}).get("javaName") or "?"] += 1
        names = []
        for f in frames:
            m = f["method"]
            names.append((m["type"]["name"].replace("/", "."), m["name"]))
        cls, meth = names[0]
        self_t[f"{cls}.{meth}"] += 1
        libs[lib(cls)] += 1
        seen = set()
        for cls, meth in names:
            if cls.startswith("io.hookline."):
                k = f"{cls}.{meth}"
                if k not in seen:
                    seen.add(k)
                    incl[k] += 1
    print(f"# {path}: {n} execution samples (jdk.ExecutionSample, JFR profile settings, Java sampling every 2 ms)\n")
    for title, c in [("samples per thread", threads), ("self time per library (top frame)", libs),
                     ("self time per method (top frame)", self_t),
                     ("inclusive time per io.hookline method (on the stack)", incl)]:
        print(f"## {title}")
        for k, cnt in c.most_common(top):
            print(f"{cnt:7d} {100.0 * cnt / max(n, 1):5.1f}%  {k}")
        print()


if __name__ == "__main__":
    main()
