#!/usr/bin/env bash
# The HTML reports in a real browser: headless Chromium renders the region
# report of a dom0less boot (fvp-r without the shared data) and a sweep's
# report; the rendered pages must hold the tables and SVG charts, laid out
# with a size, loading nothing from anywhere.  Screenshots are saved in
# $BUILD/test-artifacts for people to look at.
. tests/cli/lib.sh
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
    echo "SKIP: chromium is not installed (tools/install-deps.sh installs it): the HTML reports are not rendered"
    exit 0
fi
ART=${BUILD:-build}/test-artifacts
mkdir -p "$ART"
ART=$(cd "$ART" && pwd)
SH=$(shared_dir)
PLATFORM=fvp-r
[ -n "$SH" ] && PLATFORM=$(ls "$SH"/data/dts/derived/*.dtb | head -1)
[ -n "$SH" ] || echo "note: no shared data folder: rendering the fvp-r report (no guest)"

chrome() { # chromium in a throw-away profile, nothing from the network
    local profile
    profile=$(mktemp -d "$TMP/profile.XXXXXX")
    timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$profile" "$@" 2>>"$TMP/chrome.log"
}

expect_status 0 "$MSASIM" boot --platform "$PLATFORM" --stats-json "$TMP/boot.json"
expect_status 0 "$MSASIM" report "$TMP/boot.json" --format html -o "$TMP/report.html"

# 1. The DOM after parsing and rendering holds the tables and the charts.
chrome --dump-dom "file://$TMP/report.html" >"$TMP/dom.html" || fail "chromium --dump-dom failed: $(tail -3 "$TMP/chrome.log")"
for id in key-figures region-usage-table owner-table slot-table cost-table timeline-core0 \
    pressure-chart cost-histograms summary-table metric-table; do
    grep -q "id=\"$id\"" "$TMP/dom.html" || fail "the rendered page lacks #$id"
done
grep -q '<svg id="pressure-chart"' "$TMP/dom.html" || fail "the pressure chart is not an SVG"
grep -q '<svg id="hist-' "$TMP/dom.html" || fail "no operation histogram"
grep -q 'implemented: 32' "$TMP/dom.html" || fail "the implemented count is not on the pressure chart"
grep -q 'Not measured in this run.' "$TMP/dom.html" || fail "exposure is not said to be unmeasured"
if [ -n "$SH" ]; then
    grep -q 'guest_stage2 domU1' "$TMP/dom.html" || fail "the guest's slot is not in the timeline"
    grep -q 'runtime (after init memory is freed)' "$TMP/dom.html" || fail "no runtime panel"
fi

# 2. Laid out: a page that loads the report, measures it and writes what it
#    found (the report itself has no script; this page is only the test's).
cat >"$TMP/measure.html" <<'HTML'
<!DOCTYPE html><html><body><pre id="out">not loaded</pre>
<iframe id="f" src="PAGE" width="1280" height="2000"></iframe>
<script>
document.getElementById('f').onload = function () {
  var d = this.contentDocument, w = this.contentWindow, out = [];
  function size(sel) {
    var e = d.querySelector(sel);
    if (!e) return 'MISSING ' + sel;
    var r = e.getBoundingClientRect();
    return (r.width > 100 && r.height > 20 ? 'OK ' : 'EMPTY ') + sel;
  }
  ARGS.forEach(function (sel) { out.push(size(sel)); });
  d.querySelectorAll('svg').forEach(function (s) {
    if (!(s instanceof w.SVGSVGElement)) out.push('NOT-SVG ' + s.id);
  });
  out.push('svgs ' + d.querySelectorAll('svg').length);
  out.push('rows ' + d.querySelectorAll('tbody tr').length);
  out.push('scripts ' + d.querySelectorAll('script').length);
  out.push('fetched ' + w.performance.getEntriesByType('resource').length);
  document.getElementById('out').textContent = out.join('\n');
};
</script></body></html>
HTML
measure() { # PAGE SELECTOR...: the measuring page's findings on stdout
    local page=$1; shift
    local args
    args=$(printf "'%s'," "$@")
    sed -e "s|PAGE|$page|" -e "s|ARGS|[${args%,}]|" "$TMP/measure.html" >"$TMP/m-$page"
    chrome --allow-file-access-from-files --virtual-time-budget=10000 --dump-dom \
        "file://$TMP/m-$page" | sed -n '/<pre id="out">/,/<\/pre>/p' | sed 's/<[^>]*>//g'
}
measure report.html '#key-figures' '#region-usage-table' '#timeline-core0' '#pressure-chart' \
    '#cost-table' '#cost-histograms' >"$TMP/measured"
grep -E '^(MISSING|EMPTY|NOT-SVG)' "$TMP/measured" && fail "the report is not laid out as expected"
grep -q '^OK #pressure-chart' "$TMP/measured" || fail "the report was not measured: $(cat "$TMP/measured")"
grep -qx 'scripts 0' "$TMP/measured" || fail "the report has scripts"
grep -qx 'fetched 0' "$TMP/measured" || fail "the report fetched resources: $(cat "$TMP/measured")"
[ "$(sed -n 's/^svgs //p' "$TMP/measured")" -ge 4 ] || fail "too few SVG charts: $(cat "$TMP/measured")"

# 3. The screenshot, for people.
rm -f "$ART/report.png"
chrome --screenshot="$ART/report.png" --window-size=1280,2000 "file://$TMP/report.html" >/dev/null
head -c 8 "$ART/report.png" 2>/dev/null | od -An -c | grep -q 'P   N   G' || fail "no screenshot in $ART/report.png"

# The sweep report, the same way.
expect_status 1 "$MSASIM" sweep --jobs 2 --param mpu-regions=8,16,32 \
    --param hv-opt:alloc=first-fit,reserved=4,prenr --out "$TMP/sweep.csv" --html "$TMP/sweep.html" \
    -- boot --platform "$PLATFORM"
measure sweep.html '#parameter-table' '#pareto-0-0' '#pareto-table-0' '#results-table' \
    '#failed-table' >"$TMP/measured-sweep"
grep -E '^(MISSING|EMPTY|NOT-SVG)' "$TMP/measured-sweep" && fail "the sweep report is not laid out as expected"
grep -q '^OK #pareto-0-0' "$TMP/measured-sweep" || fail "the sweep report was not measured"
grep -qx 'fetched 0' "$TMP/measured-sweep" || fail "the sweep report fetched resources"
rm -f "$ART/report-sweep.png"
chrome --screenshot="$ART/report-sweep.png" --window-size=1280,2000 "file://$TMP/sweep.html" >/dev/null
[ -s "$ART/report-sweep.png" ] || fail "no screenshot in $ART/report-sweep.png"
echo "screenshots: $ART/report.png $ART/report-sweep.png"
finish
