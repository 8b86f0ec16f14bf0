#!/usr/bin/env python3
"""Turns bench/results/latest.json into latest.md and SVG charts (no third-party packages).

Every number written here is read from the JSON the driver measured; nothing is typed in.
"""
import json
import math
import os
import sys

ORDER = ["ingest", "concurrent-ingest", "csv-ingest", "drain", "delivery", "e2e", "latency", "rate", "isolation",
         "scaleout", "memory"]


def fmt(v, unit=""):
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        v = f"{v:,.2f}" if abs(v) < 100 else f"{v:,.0f}"
    return f"{v}{(' ' + unit) if unit else ''}"


def svg_line_chart(path, title, series, xlabel, ylabel, xlog=False):
    """series: list of (name, colour, [(x, y), ...])."""
    w, h, ml, mr, mt, mb = 720, 360, 70, 20, 40, 50
    pts = [p for _, _, s in series for p in s]
    if not pts:
        return False

    def xv(x):
        return math.log10(x) if xlog else x

    xs = [xv(p[0]) for p in pts]
    ys = [p[1] for p in pts]
    x0, x1 = min(xs), max(xs)
    y0, y1 = 0, max(ys) * 1.08 or 1
    if x1 == x0:
        x1 = x0 + 1

    def px(x):
        return ml + (xv(x) - x0) / (x1 - x0) * (w - ml - mr)

    def py(y):
        return h - mb - (y - y0) / (y1 - y0) * (h - mt - mb)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
           f'<rect width="{w}" height="{h}" fill="white"/>',
           f'<text x="{w / 2}" y="22" text-anchor="middle" font-size="15">{title}</text>']
    for i in range(6):  # y grid
        y = y0 + (y1 - y0) * i / 5
        out.append(f'<line x1="{ml}" y1="{py(y):.1f}" x2="{w - mr}" y2="{py(y):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{ml - 6}" y="{py(y) + 4:.1f}" text-anchor="end">{y:,.0f}</text>' if y1 > 20 else
                   f'<text x="{ml - 6}" y="{py(y) + 4:.1f}" text-anchor="end">{y:.1f}</text>')
    if xlog:
        ticks = [(10 ** xv_, lab) for xv_, lab in [(math.log10(1 / (1 - q)), lbl) for q, lbl in
                 [(0, "0%"), (0.9, "90%"), (0.99, "99%"), (0.999, "99.9%"), (0.9999, "99.99%")]]]
    else:
        ticks = [(x0 + (x1 - x0) * i / 6, None) for i in range(7)]
    for x, lab in ticks:
        if xv(x) < x0 - 1e-9 or xv(x) > x1 + 1e-9:
            continue
        out.append(f'<line x1="{px(x):.1f}" y1="{mt}" x2="{px(x):.1f}" y2="{h - mb}" stroke="#eee"/>')
        out.append(f'<text x="{px(x):.1f}" y="{h - mb + 16}" text-anchor="middle">{lab if lab else f"{x:.1f}"}</text>')
    out.append(f'<text x="{w / 2}" y="{h - 10}" text-anchor="middle">{xlabel}</text>')
    out.append(f'<text x="16" y="{h / 2}" text-anchor="middle" transform="rotate(-90 16 {h / 2})">{ylabel}</text>')
    for k, (name, colour, s) in enumerate(series):
        if not s:
            continue
        d = " ".join(f"{'M' if i == 0 else 'L'}{px(x):.1f},{py(y):.1f}" for i, (x, y) in enumerate(s))
        out.append(f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="1.8"/>')
        out.append(f'<rect x="{ml + 10}" y="{mt + 6 + k * 16}" width="12" height="3" fill="{colour}"/>')
        out.append(f'<text x="{ml + 28}" y="{mt + 11 + k * 16}">{name}</text>')
    out.append('</svg>')
    with open(path, "w") as f:
        f.write("\n".join(out))
    return True


def goals_of(s):
    """The scenario's goals as (text, met) pairs; results of older drivers have one goal and pass."""
    if "goals" in s:
        return [(g.get("goal", ""), g.get("met")) for g in s["goals"]]
    return [(s.get("goal", ""), s.get("pass"))] if "goal" in s else []


def cpu_lines(cpu):
    """Markdown lines for a cpuPercentOfOneCore object of a steady delivery."""
    out = []
    for name, h in cpu.get("hookline", {}).items():
        kinds = ", ".join(f"{k} {v}" for k, v in h.get("byThreadKind", {}).items())
        out.append(f"| Hookline `{name}` | {h.get('total')} | {kinds} |")
    out.append(f"| sink | {cpu.get('sink')} | |")
    pg = cpu.get("postgres", {})
    bg = ", ".join(f"{k} {v}" for k, v in pg.get("background", {}).items())
    out.append(f"| PostgreSQL | {pg.get('total')} | Hookline's backends {pg.get('hooklineBackends')} "
               f"({pg.get('hooklineBackendsBusy')} busy); background: {bg or '—'} |")
    left_out = (pg.get('excludedBenchConnections') or 0) + (pg.get('excludedOtherDatabases') or 0)
    out.append(f"| left out of PostgreSQL | {round(left_out, 1)} | "
               f"the bench's own sampler and counter connections {pg.get('excludedBenchConnections')}; "
               f"other databases (other work on the machine) {pg.get('excludedOtherDatabases')} |")
    return out


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "bench/results/latest.json"
    with open(src) as f:
        r = json.load(f)
    outdir = os.path.dirname(os.path.abspath(src))
    sc = r.get("scenarios", {})
    m = r.get("machine", {})
    g = r.get("git", {})
    lines = ["# Hookline benchmark results", ""]
    lines.append(f"Generated by `bench/run{' --quick' if r.get('mode') == 'quick' else ''}` from "
                 f"`{os.path.basename(src)}`; do not edit by hand.")
    lines.append("")
    if r.get("mode") == "quick":
        lines.append("**This is a quick run** (`bench/run --quick`: smaller imports, shorter phases). ")
    if m.get("shared"):
        lines.append(f"**Machine note:** {m['shared']}")
    try:
        loads = [float(x.split()[0]) for x in (m.get("loadAverageAtStart"), m.get("loadAverageAtEnd")) if x]
        if loads and max(loads) > 0.5 * (m.get("cores") or 1):
            lines.append(f"**The machine was not idle** (1-minute load average {', '.join(map(str, loads))} on "
                         f"{m.get('cores')} cores, start/end): absolute figures are noisy; the ratios, measured "
                         f"against ceilings in the same run, are what to read.")
    except ValueError:
        pass
    lines += ["", "| | |", "|---|---|",
              f"| mode | {r.get('mode')} |",
              f"| started | {r.get('startedAt')} |",
              f"| duration | {fmt(r.get('durationSeconds'), 's')} |",
              f"| git commit | `{g.get('commit')}`{' (src changed since)' if g.get('dirty') else ''} |",
              f"| cores | {m.get('cores')} ({m.get('cpu')}) |",
              f"| memory | {fmt(m.get('memoryGiB'), 'GiB')} |",
              f"| Java | {m.get('java')} |",
              f"| PostgreSQL | {m.get('postgresql')} |",
              f"| OS | {m.get('os')} |",
              f"| load average at start / end | {m.get('loadAverageAtStart')} / {m.get('loadAverageAtEnd')} |",
              ""]
    lines += ["## Figures", "",
              "| scenario | figure | ceiling (measured in the same run) | ratio | goals | met |",
              "|---|---|---|---|---|---|"]
    for name in ORDER:
        s = sc.get(name)
        if s is None:
            lines.append(f"| {name} | not run | | | | |")
            continue
        if "error" in s:
            lines.append(f"| {name} | **failed**: {s['error'][:200]} | | | | |")
            continue
        gs = goals_of(s)
        goals = "; ".join(t for t, _ in gs)
        met = "; ".join(fmt(v) if v is not None else "—" for _, v in gs)
        if s.get("supported") is False:
            lines.append(f"| {name} | not supported by this server | | | {goals} | — |")
            continue
        ceiling = f"{fmt(s.get('ceiling'))} ({s.get('ceilingWhat', '')})" if s.get("ceiling") is not None \
            else s.get("ceilingWhat", "")
        lines.append(f"| {name} | {fmt(s.get('figure'), s.get('unit', ''))} | {ceiling} | "
                     f"{s.get('ratio', '—')} | {goals} | {met} |")
    lines += ["", "## Details", ""]
    for name in ORDER:
        s = sc.get(name)
        if not s:
            continue
        lines.append(f"- **{name}**: {s.get('summary', s.get('error', ''))}")

    dl = sc.get("delivery", {})
    if "chunksPerSecond" in dl and "backlog" in dl:
        b = dl["backlog"]
        c = dl["chunksPerSecond"]
        k = dl.get("sinkArrivalsPerSecond", {})
        lines += ["", "### Steady delivery", "",
                  f"Backlog: {b.get('chunks')} chunks of {b.get('recordsPerChunk')} records in {b.get('imports')} "
                  f"imports; {b.get('built')}. The first {dl.get('skipSeconds')} s of delivery are skipped; the "
                  f"steady phase ends when 95 % of the backlog is delivered: {dl.get('steadyWindows')} windows of "
                  f"{dl.get('windowMs')} ms over {dl.get('steadySeconds')} s"
                  + (" (**too short for a skip: the whole delivery is used**)" if dl.get("shortSteadyPhase") else "")
                  + ".", "",
                  "| | median of windows | mean over the phase |", "|---|---|---|",
                  f"| chunks/s committed ({dl.get('countSource', '')}) | {fmt(c.get('median'))} "
                  f"| {fmt(c.get('mean'))} |",
                  f"| chunks/s arriving at the sink (cross-check) | {fmt(k.get('median'))} "
                  f"| {fmt(k.get('mean'))} |",
                  "", "CPU over the same phase, percent of one core:", "",
                  "| process | % | parts |", "|---|---|---|"] + cpu_lines(dl.get("cpuPercentOfOneCore", {}))
        if dl.get("warmPassChunksPerSecond"):
            warm = fmt(dl['warmPassChunksPerSecond'])
            lines += ["", f"Before it, an unmeasured pass of the same shape ran at {warm} "
                          f"chunks/s (JIT warm-up); the diagnostics below come from that pass, so that they cost the "
                          f"measured one nothing."]
        act = dl.get("pgActivity") or dl.get("pgActivityInWarmPass")
        if act:
            running = ", ".join(f"{k} {v} %" for k, v in act.get("percentOfSamplesRunning", {}).items())
            lines += ["", f"pg_stat_activity, sampled every {act.get('periodMs')} ms ({act.get('samples')} samples "
                          f"in the phase), share of samples in which Hookline had a statement of each kind running "
                          f"(named by its leading `/* hookline:NAME */` comment, else `other`): {running or '—'}; "
                          f"none running {act.get('percentOfSamplesIdle')} %; mean statements running "
                          f"{act.get('meanStatementsRunning')}."]
        arr = dl.get("arrivals") or dl.get("arrivalsInWarmPass")
        if arr:
            lines += ["", f"Arrivals at the sink in the phase: {arr.get('requests')} requests in {arr.get('bursts')} "
                          f"bursts (requests < 1 ms apart), mean burst {arr.get('meanBurst')}, median gap between "
                          f"bursts {arr.get('medianGapMs')} ms (p90 {arr.get('p90GapMs')} ms)."]

    so = sc.get("scaleout", {})
    if "figures" in so:
        f_, q = so["figures"], so.get("ratios", {})
        runs = so.get("runs", {})

        def split(key):
            run = runs.get(key, {})
            per = run.get("chunksPerSecond", {}).get("byTemplate", {})
            cpu = run.get("cpuPercentOfOneCore", {}).get("hookline", {})
            return (", ".join(f"{t} {v}" for t, v in per.items()),
                    ", ".join(f"{n} {h.get('total')} %" for n, h in cpu.items()),
                    run.get("cpuPercentOfOneCore", {}).get("postgres", {}).get("total"))
        lines += ["", "### Scale-out (steady chunks/s)", "", f"Measured with: {so.get('measuredWith')}.", "",
                  "| | chunks/s (median) | per destination (mean) | Hookline CPU per instance | PostgreSQL CPU |",
                  "|---|---|---|---|---|"]
        for key, label in [("oneDestinationOneInstance", "1 destination, 1 instance"),
                           ("oneDestinationTwoInstances", "1 destination, 2 instances"),
                           ("twoDestinationsOneInstance", "2 destinations, 1 instance"),
                           ("twoDestinationsTwoInstances", "2 destinations, 2 instances")]:
            per, cpu, pg = split(key)
            lines.append(f"| {label} | {fmt(f_.get(key))} | {per} | {cpu} | {pg} % |")
        lines += ["", "Ratios: " + ", ".join(f"{k} {v}" for k, v in q.items()) + "."]
        if so.get("warmPassTwoDestinationsTwoInstances") is not None:
            lines += ["", f"Before the two-instance figures, an unmeasured pass of 2 destinations on 2 instances ran at "
                          f"{fmt(so['warmPassTwoDestinationsTwoInstances'])} chunks/s (the second instance's JIT "
                          f"warm-up)."]

    e2e = sc.get("e2e", {})
    if "withReceiverLatency" in e2e:
        lines += ["", "### End to end against the naive loop", "",
                  f"{e2e.get('records')} records; Hookline: POST to COMPLETED; the naive loop: one awaited POST per "
                  f"page, to the same receiver.", "",
                  "| receiver | pages | Hookline s (ingest + delivery) | naive loop s (requests/s) "
                  "| naive / Hookline |",
                  "|---|---|---|---|---|"]
        slow_receiver = f"answers in {e2e.get('receiverMs')} ms (the goal's comparison)"
        for label, key in ((slow_receiver, "withReceiverLatency"),
                           ("the instant sink on loopback", "instantSink")):
            r = e2e[key]
            lines.append(f"| {label} | {r.get('chunks')} | {r.get('hooklineSeconds')} ({r.get('ingestSeconds')} + "
                         f"{r.get('deliverySeconds')}) | {r.get('naiveSeconds')} ({r.get('naiveRequestsPerSecond')}) "
                         f"| {r.get('ratio')} |")

    lat = sc.get("latency", {})
    if "corrected" in lat:
        lines += ["", "### Latency (ms, import sent → sink received its chunk)", "",
                  "| histogram | count | p50 | p90 | p99 | p99.9 | max |", "|---|---|---|---|---|---|---|"]
        for key, label in [("corrected", "actual send time, recordValueWithExpectedInterval"),
                           ("fromIntendedStart", "from the intended (scheduled) send time, uncorrected"),
                           ("toAccepted", "to the 202 only (bench client, ingest, commit), uncorrected")]:
            h = lat.get(key)
            if h is None:
                continue
            lines.append(f"| {label} | {h['count']} | {h['p50']} | {h['p90']} | {h['p99']} | {h['p99_9']} | "
                         f"{h['max']} |")
        lines.append("")
        lines.append(f"Arrivals: {lat.get('targetRate')} imports/s scheduled (achieved {lat.get('achievedSendRate')}),"
                     f" {lat.get('recordsPerImport')} records each, for {lat.get('seconds')} s; maximum measured "
                     f"closed-loop: {lat.get('maxImportsPerSecond')} imports/s; sent {lat.get('sent')}, received "
                     f"{lat.get('received')}, failed {lat.get('failed')}. The corrected histogram back-fills a "
                     f"sample for every interval a slow response spanned, so it counts more than were sent; when "
                     f"the sender kept its schedule (achieved = scheduled) the second row is the plain figure.")
        if "warmPassSeconds" in lat:
            lines.append("")
            lines.append(f"Before the measured arrivals, an unmeasured pass of the same arrivals ran for "
                         f"{lat['warmPassSeconds']} s, then the bench waited {lat.get('jitQuietWaitMs')} ms for "
                         f"Hookline's JIT compiler to go quiet.")
    rate = sc.get("rate", {})
    if "maxInAnySecond" in rate and not rate.get("enforced"):
        lines += ["", f"**rateLimit is not enforced** by the server under test: {rate['maxInAnySecond']} requests "
                      f"arrived in one second with `rateLimit` 50."]
    mem = sc.get("memory", {})
    if "bodyBytes" in mem:
        lines += ["", f"Memory: {mem['bodyBytes'] / 1048576:.0f} MiB import (the full run uses 1 GiB), "
                      f"status {mem.get('status')}, OutOfMemoryError: {fmt(mem.get('outOfMemoryError'))}."]

    charts = []
    if lat.get("distribution"):
        pts = [(1 / (1 - p / 100) if p < 100 else 1e5, v) for p, v in lat["distribution"] if p < 99.999]
        if svg_line_chart(os.path.join(outdir, "latency.svg"), "Latency distribution (coordinated-omission corrected)",
                          [("ingest → delivered", "#c0392b", pts)], "percentile", "ms", xlog=True):
            charts.append(("latency.svg", "latency distribution"))
    if dl.get("series") and "backlog" in dl:
        committed = [(p[0], p[1]) for p in dl["series"]]
        arriving = [(p[0], p[2]) for p in dl["series"]]
        if svg_line_chart(os.path.join(outdir, "throughput.svg"),
                          f"Steady delivery (phase {dl.get('steadyFromSeconds')}–{dl.get('steadyToSeconds')} s)",
                          [("committed (database), chunks/s per 250 ms", "#2471a3", committed),
                           ("arriving at the sink, chunks/s per 250 ms", "#27ae60", arriving)],
                          "seconds since the backlog was complete", "chunks/s"):
            charts.append(("throughput.svg", "delivery throughput over time"))
    if mem.get("rssSeries"):
        if svg_line_chart(os.path.join(outdir, "memory.svg"), "RSS during the big import (-Xmx256m)",
                          [("RSS MiB", "#8e44ad", [tuple(p) for p in mem["rssSeries"]])], "seconds", "MiB"):
            charts.append(("memory.svg", "RSS over time"))
    if charts:
        lines += ["", "## Charts", ""]
        lines += [f"![{alt}]({f})" for f, alt in charts]
    prof = [f for f in sorted(os.listdir(outdir)) if f.startswith("profile-") and f.endswith(".txt")]
    if prof:
        lines += ["", "## Profiles", ""] + [f"- [{f}]({f})" for f in prof]
    lines.append("")
    with open(os.path.join(outdir, "latest.md"), "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
