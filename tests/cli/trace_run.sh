#!/usr/bin/env bash
# `run --hv --trace-out` then `replay`: a run of guests records its boot,
# the domains' construction and the guests' requests (map_domain_page for
# their copies, the accesses themselves, context switches); the replay of
# that trace reproduces the run's model figures exactly: regions peak,
# failures, map operations and cycles, exposure, the whole registry the
# model writes.  The guests become xen,domain nodes of the embedded device
# tree.  A replay with fewer regions reports exhaustion and goes on.
. tests/cli/lib.sh
G=${BUILD:-build}/workloads/guests
for g in hello memops mmio sched sched2 hello2 grant grant2; do
    [ -f "$G/$g.elf" ] || { fail "$G/$g.elf was not built"; finish; }
done

# same_model A.json B.json: the run's figures that the model produced equal
# the replay's.  The run has more (instructions, guest counters, the MPUs'
# synchronizations by the guests' own ISBs and exception returns); every
# figure both files have must be equal.
same_model() {
    python3 - "$1" "$2" <<'EOF' || fail "$3: the replay's figures differ from the run's"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
bad = []
for sec in ("summary", "counters", "gauges", "histograms", "series"):
    x, y = a.get(sec, {}), b.get(sec, {})
    common = [k for k in x if k in y and not k.endswith(".mpu.syncs")]
    diff = [k for k in common if x[k] != y[k]]
    if diff:
        bad.append("%s: %s" % (sec, ", ".join(diff[:8])))
    if sec == "summary":
        for k in ("regions_peak", "region_failures", "map_ops", "map_cycles",
                  "exposure_byte_cycles"):
            if k not in common:
                bad.append("summary: %s missing" % k)
for line in bad:
    print("  differs in", line)
sys.exit(1 if bad else 0)
EOF
}

record_and_replay() {   # record_and_replay NAME TRACE RUN-ARGS...
    local name=$1 trace=$2
    shift 2
    "$MSASIM" run --hv xen-mpu --stats-json "$TMP/$name.run.json" --trace-out "$trace" "$@" \
        >"$TMP/$name.out" 2>"$TMP/$name.err" || { fail "$name: run failed: $(cat "$TMP/$name.err")"; return; }
    [ -s "$trace" ] || { fail "$name: no trace written"; return; }
    "$MSASIM" replay "$trace" --stats-json "$TMP/$name.replay.json" >/dev/null 2>"$TMP/$name.rerr" ||
        { fail "$name: replay failed: $(cat "$TMP/$name.rerr")"; return; }
    same_model "$TMP/$name.run.json" "$TMP/$name.replay.json" "$name"
}

record_and_replay hello "$TMP/hello.trace" "$G/hello.elf"
record_and_replay memops "$TMP/memops.mtrace" "$G/memops.elf"
record_and_replay mmio "$TMP/mmio.mtrace.gz" "$G/mmio.elf"
record_and_replay two-hello "$TMP/two.trace" --mpu-regions 16 "$G/hello.elf" "$G/hello2.elf"
record_and_replay sched "$TMP/sched.mtrace" --cores 1 "$G/sched.elf" "$G/sched2.elf"
# Grant maps (stage-2 regions added and removed at run time), copies, and
# the grant-table page zeroed when the guest places it.
record_and_replay grant "$TMP/grant.mtrace" --cores 1 "$G/grant.elf" "$G/grant2.elf"
grep -q '"grant_maps": [1-9]' "$TMP/grant.run.json" || fail "grant: no grant maps in the run"
"$MSASIM" trace convert "$TMP/grant.mtrace" "$TMP/grant.trace" || fail "grant: convert failed"
grep -q ' access zero 0x' "$TMP/grant.trace" || fail "grant: the table's zeroing is not recorded"
grep -q ' p2m_update d[0-9]* .*"grant map"' "$TMP/grant.trace" || fail "grant: no grant p2m update recorded"

# What the text trace holds: the guests as domains of the embedded tree,
# guest accesses, context switches on the shared core.
grep -q '^platform dtb "fvp-r"' "$TMP/hello.trace" || fail "hello: the platform is not embedded"
grep -q ' access write 0x' "$TMP/hello.trace" || fail "hello: no guest write recorded"
grep -q ' access read 0x' "$TMP/hello.trace" || fail "hello: no guest read recorded"
"$MSASIM" trace convert "$TMP/sched.mtrace" "$TMP/sched.trace" || fail "sched: convert failed"
n=$(grep -c ' switch d' "$TMP/sched.trace")
[ "$n" -ge 20 ] || fail "sched: $n switches to a vCPU recorded, expected the round robin's (>= 20)"
"$MSASIM" trace info "$TMP/two.trace" >"$TMP/info" 2>&1 || fail "two-hello: trace info failed"
"$MSASIM" replay "$TMP/two.trace" --json >"$TMP/two.json" 2>/dev/null ||
    fail "two-hello: replay --json failed"
python3 - "$TMP/two.json" <<'EOF' || fail "two-hello: the replayed layout does not show two domains"
import json, sys
doms = {r.get("domain") for r in json.load(open(sys.argv[1]))["regions"]}
sys.exit(0 if {"domU1", "domU2"} <= doms else 1)
EOF

# --cores 1 drops the other cpu nodes from the recorded tree: the replay
# has one core, as the run did.
[ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"].get("cores", "?"))' \
      "$TMP/sched.run.json")" = 1 ] || fail "sched: the run did not have one core"
grep -q 'hv.core1\.' "$TMP/sched.replay.json" && fail "sched: the replay has a second core"

# Under fewer regions than the run had, the replay reports exhaustion and
# goes on to the end.
expect_status 0 "$MSASIM" replay "$TMP/two.trace" --mpu-regions 10 --stats-json "$TMP/ten.json"
expect_stderr_has "region exhaustion events (the replay continued)"
f=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["region_failures"])' \
      "$TMP/ten.json")
[ "$f" -gt 0 ] || fail "10 regions: region_failures $f, expected some"

# Without a model there is nothing to record.
expect_status 2 "$MSASIM" run --trace-out "$TMP/x.trace" "$G/hello.elf"
expect_stderr_has "needs --hv"
[ -e "$TMP/x.trace" ] && fail "a refused run left a trace file"

# A run that fails to start leaves no trace file.
expect_status 2 "$MSASIM" run --hv xen-mpu --trace-out "$TMP/y.trace" "$TMP/missing.elf"
[ -e "$TMP/y.trace" ] && fail "a run that did not start left a trace file"

finish
