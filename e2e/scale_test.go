package e2e

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/internal/testwait"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// The launch-scale harness: `make bench` and `make soak` run these with
// FLASHDECK_SCALE set; `make test` skips them. They run the real binary —
// `flashdeck simulate --scenario launch` and `flashdeck serve` (or the
// desktop) as separate processes — and read the collector's CPU and memory
// from /proc, so the simulator's own work is never counted.

func scaleOnly(t *testing.T, mode string) {
	if os.Getenv("FLASHDECK_SCALE") != mode {
		t.Skipf("launch-scale run: FLASHDECK_SCALE=%s (make %s)", mode, mode)
	}
}

// report prints a figure line on standard output, where make shows it.
func report(format string, args ...any) {
	fmt.Printf("  "+format+"\n", args...)
}

// procStats is what /proc says of a process.
type procStats struct {
	CPU                  float64 // user + system seconds
	HWM, RSS, Anon, File int64   // bytes
}

func readProc(pid int) (procStats, error) {
	var s procStats
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return s, err
	}
	// Fields after the command name (which may hold spaces) in parentheses.
	f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+2:]))
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	s.CPU = (ut + st) / 100 // USER_HZ is 100 on Linux
	status, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return s, err
	}
	defer status.Close()
	sc := bufio.NewScanner(status)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		switch k {
		case "VmHWM":
			s.HWM = n << 10
		case "VmRSS":
			s.RSS = n << 10
		case "RssAnon":
			s.Anon = n << 10
		case "RssFile":
			s.File = n << 10
		}
	}
	return s, sc.Err()
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// launchSim starts `flashdeck simulate --scenario launch` with the extra
// arguments and returns its URL, the config file it wrote (with state_dir
// set to stateDir) and the credentials.
func launchSim(t *testing.T, stateDir string, args ...string) (string, string, []string) {
	t.Helper()
	dir := t.TempDir()
	addr := freePort(t)
	all := append([]string{"simulate", "--scenario", "launch", "--listen", addr, "--out", dir,
		"--poll-interval", "1s", "--max-calls-per-second", "1000"}, args...)
	// The config it prints (1,400 SKUs) floods the line reader: wait for
	// the simulator to answer instead.
	start(t, nil, all...)
	testwait.Until(t, time.Minute, func() string {
		var v map[string]any
		if err := getJSON("http://"+addr+"/_sim/clock", &v); err != nil {
			return err.Error()
		}
		// The config is written first, the credentials last.
		if b, err := os.ReadFile(filepath.Join(dir, "flashdeck-sim.env")); err != nil || !strings.HasSuffix(string(b), "\n") {
			return "no credentials written yet"
		}
		return ""
	})
	envText, err := os.ReadFile(filepath.Join(dir, "flashdeck-sim.env"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "flashdeck-sim.yaml")
	text, _ := os.ReadFile(cfg)
	text = []byte(strings.Replace(string(text), "state_dir: ./flashdeck-sim-data", "state_dir: "+stateDir, 1))
	if err := os.WriteFile(cfg, text, 0o644); err != nil {
		t.Fatal(err)
	}
	return "http://" + addr, cfg, parseEnv(t, string(envText))
}

// scaleTruth is the simulator's ground truth.
type scaleTruth struct {
	SaleTime time.Time                 `json:"sale_time"`
	Sold     map[string]map[string]int `json:"sold"`
	Orders   map[string]int            `json:"orders"`
}

func (tr scaleTruth) total() int {
	n := 0
	for _, v := range tr.Orders {
		n += v
	}
	return n
}

// scaleSnap is the part of /api/v1/snapshot the harness compares.
type scaleSnap struct {
	Sales []struct {
		End      time.Time `json:"end"`
		Channels []struct {
			Channel string `json:"channel"`
			Sold    int    `json:"sold"`
		} `json:"channels"`
		SKUs []struct {
			SKU      string `json:"sku"`
			Channels []struct {
				Channel string `json:"channel"`
				Sold    int    `json:"sold"`
			} `json:"channels"`
		} `json:"skus"`
	} `json:"sales"`
	Channels []struct {
		ID       string `json:"id"`
		State    string `json:"state"`
		Orders   int    `json:"orders"`
		Backfill struct {
			Active bool `json:"active"`
		} `json:"backfill"`
	} `json:"channels"`
}

// ordersDiffer says how the collector's order counts differ from the truth.
func ordersDiffer(s scaleSnap, tr scaleTruth) string {
	for _, c := range s.Channels {
		if c.Orders != tr.Orders[c.ID] {
			return fmt.Sprintf("%s holds %d orders, the channel took %d", c.ID, c.Orders, tr.Orders[c.ID])
		}
	}
	return ""
}

// soldDiffers compares every SKU on every channel with the truth.
func soldDiffers(s scaleSnap, tr scaleTruth) string {
	if len(s.Sales) == 0 {
		return "no sale"
	}
	for _, k := range s.Sales[0].SKUs {
		for _, c := range k.Channels {
			if want := tr.Sold[c.Channel][k.SKU]; c.Sold != want {
				return fmt.Sprintf("%s %s: %d sold, truth %d", c.Channel, k.SKU, c.Sold, want)
			}
		}
	}
	return ""
}

// matchTruth waits until the collector at api holds exactly the
// simulator's orders and units (every SKU on every channel), and returns
// the truth it matched.
func matchTruth(t *testing.T, within time.Duration, simURL, api string) scaleTruth {
	t.Helper()
	var tr scaleTruth
	testwait.Until(t, within, func() string {
		var s scaleSnap
		if err := getJSON(simURL+"/_sim/truth", &tr); err != nil {
			return err.Error()
		}
		if err := getJSON(api+"/api/v1/snapshot", &s); err != nil {
			return err.Error()
		}
		if d := ordersDiffer(s, tr); d != "" {
			return d
		}
		return soldDiffers(s, tr)
	})
	return tr
}

// histogram is a Prometheus histogram, summed over its label sets.
type histogram struct {
	le     []float64
	counts []float64 // cumulative
	count  float64
}

// scrape parses a collector's /metrics with client_golang's own parser.
func scrape(t *testing.T, metricsURL string) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := p.TextToMetricFamilies(strings.NewReader(fetch(t, metricsURL)))
	if err != nil {
		t.Fatalf("%s: %v", metricsURL, err)
	}
	return mfs
}

func readHistogram(t *testing.T, metricsURL, name string) histogram {
	t.Helper()
	return histogramOf(t, scrape(t, metricsURL), name, func(*dto.Metric) bool { return true })
}

// histogramOf sums the series of a scraped histogram that match.
func histogramOf(t *testing.T, mfs map[string]*dto.MetricFamily, name string, match func(*dto.Metric) bool) histogram {
	t.Helper()
	mf := mfs[name]
	if mf == nil {
		t.Fatalf("the scrape has no %s", name)
	}
	h := histogram{}
	byLE := map[float64]float64{}
	for _, m := range mf.GetMetric() {
		if !match(m) {
			continue
		}
		hm := m.GetHistogram()
		h.count += float64(hm.GetSampleCount())
		for _, b := range hm.GetBucket() {
			byLE[b.GetUpperBound()] += float64(b.GetCumulativeCount())
		}
	}
	byLE[math.Inf(1)] = h.count
	h.le = slices.Sorted(maps.Keys(byLE))
	for _, le := range h.le {
		h.counts = append(h.counts, byLE[le])
	}
	return h
}

// quantile interpolates within the bucket, as PromQL's histogram_quantile.
func (h histogram) quantile(q float64) float64 {
	if h.count == 0 {
		return math.NaN()
	}
	rank := q * h.count
	prevLE, prevC := 0.0, 0.0
	for i, le := range h.le {
		c := h.counts[i]
		if c >= rank {
			if math.IsInf(le, 1) {
				return prevLE
			}
			if c == prevC {
				return le
			}
			return prevLE + (le-prevLE)*(rank-prevC)/(c-prevC)
		}
		prevLE, prevC = le, c
	}
	return prevLE
}

// sampler reads a process's /proc figures every interval until stopped,
// keeping the peaks.
type sampler struct {
	pid     int
	stop    chan struct{}
	done    chan struct{}
	peak    procStats
	last    procStats
	samples []procStats
	at      []time.Time
}

func sample(pid int, every time.Duration) *sampler {
	s := &sampler{pid: pid, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if ps, err := readProc(pid); err == nil {
				s.last = ps
				s.samples = append(s.samples, ps)
				s.at = append(s.at, time.Now())
				s.peak.HWM = max(s.peak.HWM, ps.HWM)
				s.peak.RSS = max(s.peak.RSS, ps.RSS)
				s.peak.Anon = max(s.peak.Anon, ps.Anon)
				s.peak.File = max(s.peak.File, ps.File)
			}
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// finish takes a last reading and stops.
func (s *sampler) finish() procStats {
	close(s.stop)
	<-s.done
	if ps, err := readProc(s.pid); err == nil {
		s.last = ps
		s.peak.HWM = max(s.peak.HWM, ps.HWM)
		s.peak.Anon = max(s.peak.Anon, ps.Anon)
		s.peak.File = max(s.peak.File, ps.File)
	}
	return s.last
}

func memLine(what string, s *sampler) {
	report("%s memory: peak RSS %.0f MiB (VmHWM), of which private (heap, stacks) at most %.0f MiB and file-backed (the database mapped, the binary, libraries) at most %.0f MiB",
		what, mib(s.peak.HWM), mib(s.peak.Anon), mib(s.peak.File))
}

// benchSpeed is how much faster than life `make bench` plays its sales.
const benchSpeed = 5.0

// TestScaleBench is `make bench`: launch scale through the real clients
// and engine, in three runs.
func TestScaleBench(t *testing.T) {
	scaleOnly(t, "bench")
	const speed = benchSpeed
	host, _ := os.Hostname()
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				cpu = strings.TrimSpace(strings.SplitN(l, ":", 2)[1])
				break
			}
		}
	}
	fmt.Printf("flashdeck launch-scale bench on %s (%s, %d cores)\n", host, cpu, runtime.NumCPU())

	t.Run("live", func(t *testing.T) { benchLive(t, speed) })
	t.Run("catch-up", benchCatchUp)
	t.Run("desktop", func(t *testing.T) { benchDesktop(t, speed, false) })
	t.Run("remote-desktop", func(t *testing.T) { benchDesktop(t, speed, true) })
}

// saleStartIn is the --sale-start for a sale opening after `wall` of wall
// time at the given speed (the simulator's sale clock starts at wall now).
func saleStartIn(wall time.Duration, speed float64) string {
	return time.Now().Add(time.Duration(float64(wall) * speed)).Truncate(time.Second).Add(time.Second).Format(time.RFC3339)
}

// benchLive plays a 10-minute sale at 50,000 orders a minute at the peak,
// `speed` times faster than life, with a collector polling every second.
func benchLive(t *testing.T, speed float64) {
	state := t.TempDir()
	sale := 10 * time.Minute
	simURL, cfg, env := launchSim(t, state, "--speed", fmt.Sprint(speed), "--seed", "11",
		"--sale-start", saleStartIn(5*time.Second, speed), "--length", sale.String())
	apiAddr := freePort(t)
	srv := start(t, env, "serve", "--config", cfg, "--listen", apiAddr)
	srv.waitLine(t, "listening on")
	api := "http://" + apiAddr
	smp := sample(srv.cmd.Process.Pid, 500*time.Millisecond)
	began := time.Now()

	// Play the sale out, then give the last status changes (acceptances up
	// to 10 minutes after an order) time to land.
	var tr scaleTruth
	var snap scaleSnap
	end := time.Time{}
	testwait.Until(t, 30*time.Minute, func() string {
		if err := getJSON(simURL+"/_sim/truth", &tr); err != nil {
			return err.Error()
		}
		if end.IsZero() {
			if err := getJSON(api+"/api/v1/snapshot", &snap); err != nil || len(snap.Sales) == 0 {
				return "no snapshot yet"
			}
			end = snap.Sales[0].End
		}
		if tr.SaleTime.Before(end.Add(11 * time.Minute)) {
			// Time itself must pass: the sale plays for minutes, and
			// asking for the truth more often than once a second only
			// loads the machine being measured.
			time.Sleep(time.Second)
			return "sale still playing"
		}
		return ""
	})
	tr = matchTruth(t, time.Minute, simURL, api)
	wall := time.Since(began)
	fresh := readHistogram(t, api+"/metrics", "flashdeck_order_freshness_seconds")
	st := smp.finish()
	fmt.Printf("live: a %s sale of %d SKUs on %d channels at %d orders/min at the peak, played %gx (%s of wall time), polled every 1s\n",
		sale, 1400, len(tr.Orders), 50000, speed, wall.Round(time.Second))
	report("orders: %d taken, %d held by the collector, every SKU on every channel equal to the simulator's truth", tr.total(), tr.total())
	report("peak arrival: %.0f orders/s of wall time (%d/min of sale time × %g)", 50000*speed/60, 50000, speed)
	report("freshness (creation at the channel → first published snapshot, %d orders): p50 %.2f s, p99 %.2f s (target: poll interval + 1 s = 2 s)",
		int(fresh.count), fresh.quantile(0.5), fresh.quantile(0.99))
	report("collector CPU: %.1f s over %s (%.0f%% of one core)", st.CPU, wall.Round(time.Second), 100*st.CPU/wall.Seconds())
	memLine("collector", smp)
	if q := fresh.quantile(0.99); q > 2 {
		t.Errorf("freshness p99 %.2f s is over the 2 s target", q)
	}
}

// benchCatchUp starts a fresh collector on a finished sale of about a
// million orders: how fast the real clients and engine read it all, and
// the memory that many orders take.
func benchCatchUp(t *testing.T) {
	state := t.TempDir()
	// Five and a half times the launch peak for ten minutes is about a
	// million orders; the sale closed 40 minutes ago, so every order has
	// had its last status change.
	open := time.Now().Add(-40 * time.Minute).Truncate(time.Second).Format(time.RFC3339)
	simURL, cfg, env := launchSim(t, state, "--peak", "275000", "--seed", "12", "--sale-start", open)
	var tr scaleTruth
	// The simulator plays the orders on first read (a million of them take
	// a while): not the collector's time.
	if err := getJSONWithin(simURL+"/_sim/truth", &tr, 5*time.Minute); err != nil {
		t.Fatal(err)
	}
	apiAddr := freePort(t)
	began := time.Now()
	srv := start(t, env, "serve", "--config", cfg, "--listen", apiAddr)
	smp := sample(srv.cmd.Process.Pid, 250*time.Millisecond)
	srv.waitLine(t, "listening on")
	api := "http://" + apiAddr
	var snap scaleSnap
	testwait.Until(t, 20*time.Minute, func() string {
		if err := getJSON(api+"/api/v1/snapshot", &snap); err != nil {
			return err.Error()
		}
		return ordersDiffer(snap, tr)
	})
	took := time.Since(began)
	st := smp.finish()
	if d := soldDiffers(snap, tr); d != "" {
		t.Errorf("after catching up: %s", d)
	}
	fmt.Printf("catch-up: a fresh collector reads a finished sale of %d orders (1,400 SKUs, 4 channels) through the real clients\n", tr.total())
	report("ingest: %d orders in %s = %.0f orders/s (channel HTTP, decoding, database, engine and rules; the simulator shares the 2 cores)",
		tr.total(), took.Round(100*time.Millisecond), float64(tr.total())/took.Seconds())
	report("collector CPU: %.1f s (%.1f µs per order)", st.CPU, 1e6*st.CPU/float64(tr.total()))
	memLine(fmt.Sprintf("collector at %d orders", tr.total()), smp)
}

// benchDesktop runs the dashboard itself (its own collector and the
// screens) on the live launch sale under Xvfb.
// benchDesktop runs the dashboard on a live launch-scale sale: with its own
// pollers and engine, or (remote) on a `flashdeck serve` through --remote,
// as a war-room desktop does.
func benchDesktop(t *testing.T, speed float64, remote bool) {
	for _, tool := range []string{"Xvfb", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: make bench installs it (scripts/install-deps.sh)", tool)
		}
	}
	display := startXvfb(t, 80, "1600x1000")

	state := t.TempDir()
	sale := 10 * time.Minute
	_, cfg, env := launchSim(t, state, "--speed", fmt.Sprint(speed), "--seed", "13",
		"--sale-start", saleStartIn(5*time.Second, speed), "--length", sale.String())
	run := time.Duration(float64(sale)/speed) + 20*time.Second
	args := []string{"--config", cfg}
	what := "the dashboard (its own pollers, engine and screens)"
	if remote {
		addr := freePort(t)
		srv := start(t, env, "serve", "--config", cfg, "--listen", addr)
		srv.waitLine(t, "listening on")
		// The desktop gets no channel credential: it reads the collector.
		args, env = []string{"--remote", "http://" + addr}, nil
		what = "the dashboard with --remote on a collector (its stream, no pollers or engine of its own)"
	}
	// The SKUs tab (its 5,600 rows) unless FLASHDECK_DESKTOP_TAB names
	// another, to measure the tab a room keeps open.
	args = append(args, "--tab", cmp.Or(os.Getenv("FLASHDECK_DESKTOP_TAB"), "skus"), "--quit-after", run.String())
	if p := os.Getenv("FLASHDECK_DESKTOP_PROFILE"); p != "" {
		// Where the desktop's time goes: go tool pprof reads it.
		args = append(args, "--cpu-profile", p)
	}
	app := exec.Command(binary, args...)
	app.Env = append(append(os.Environ(), env...), "DISPLAY="+display, noSessionBus)
	app.Stderr = &testLog{t: t, prefix: "desktop: "}
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	smp := sample(app.Process.Pid, 500*time.Millisecond)
	began := time.Now()
	// Time itself must pass: the screenshot is taken half way through the
	// run.
	time.Sleep(run / 2)
	shot := filepath.Join(os.TempDir(), "flashdeck-bench-desktop.png")
	if remote {
		shot = filepath.Join(os.TempDir(), "flashdeck-bench-remote-desktop.png")
	}
	if out, err := exec.Command("import", "-display", display, "-window", "root", shot).CombinedOutput(); err != nil {
		t.Errorf("import: %v %s", err, out)
	}
	// Time itself must pass: the rest of the run is sampled.
	time.Sleep(run/2 - 2*time.Second)
	st := smp.finish()
	if err := app.Wait(); err != nil {
		t.Fatalf("the dashboard exited with %v", err)
	}
	fmt.Printf("desktop: %s on the same live sale under Xvfb, %s\n", what, time.Since(began).Round(time.Second))
	report("desktop CPU: %.1f s (%.0f%% of one core)", st.CPU, 100*st.CPU/run.Seconds())
	memLine("desktop", smp)
	report("screenshot at mid-sale: %s", shot)
	if smp.peak.HWM > 400<<20 {
		t.Errorf("desktop peak RSS %.0f MiB is over the 400 MiB target", mib(smp.peak.HWM))
	}
	if remote {
		// A war-room desktop only shows what the collector sends: it
		// must stay light beside the other windows of an operator.
		if cpu := st.CPU / run.Seconds(); cpu > 0.05 {
			t.Errorf("remote desktop CPU %.1f%% of a core is over the 5%% target", 100*cpu)
		}
		if smp.peak.HWM > 200<<20 {
			t.Errorf("remote desktop peak RSS %.0f MiB is over the 200 MiB target", mib(smp.peak.HWM))
		}
	}
}

// gauge is an unlabelled gauge's value in a scrape.
func gauge(mfs map[string]*dto.MetricFamily, name string) float64 {
	if mf := mfs[name]; mf != nil && len(mf.GetMetric()) > 0 {
		return mf.GetMetric()[0].GetGauge().GetValue()
	}
	return math.NaN()
}

// slope is the least-squares slope of ys over xs.
func slope(xs, ys []float64) float64 {
	n := float64(len(xs))
	var sx, sy, sxx, sxy float64
	for i := range xs {
		sx += xs[i]
		sy += ys[i]
		sxx += xs[i] * xs[i]
		sxy += xs[i] * ys[i]
	}
	d := n*sxx - sx*sx
	if d == 0 {
		return 0
	}
	return (n*sxy - sx*sy) / d
}

// TestScaleSoak is `make soak`: a 12-hour launch sale played in
// FLASHDECK_SOAK_FOR (30 minutes by default). The stock is sized for the
// first 30 minutes of demand, so the surge sells it out, as flash sales
// go, and the collector then polls a quiet sale for the remaining hours
// while a client reads its snapshot and metrics. After warm-up (the first
// sixth) its memory and goroutines must be flat.
func TestScaleSoak(t *testing.T) {
	scaleOnly(t, "soak")
	run := 30 * time.Minute
	if v := os.Getenv("FLASHDECK_SOAK_FOR"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Minute {
			t.Fatalf("FLASHDECK_SOAK_FOR=%q: a duration of at least 1m", v)
		}
		run = d
	}
	sale := 12 * time.Hour
	speed := float64(sale) / float64(run)
	state := t.TempDir()
	simURL, cfg, env := launchSim(t, state, "--speed", fmt.Sprintf("%.3f", speed), "--seed", "31",
		"--sale-start", saleStartIn(5*time.Second, speed), "--length", sale.String(), "--stock-for", "30m")
	apiAddr := freePort(t)
	srv := start(t, env, "serve", "--config", cfg, "--listen", apiAddr)
	srv.waitLine(t, "listening on")
	api := "http://" + apiAddr
	pid := srv.cmd.Process.Pid

	every := run / 180
	warm := run / 6
	var xs, heap, rss, gor []float64
	var slowest time.Duration
	soakClient := &http.Client{Timeout: 30 * time.Second}
	began := time.Now()
	fmt.Printf("soak: a %s sale of 1,400 SKUs on 4 channels played %.0fx in %s; a sample every %s, warm-up %s\n", sale, speed, run, every, warm)
	for time.Since(began) < run+5*time.Second {
		// Time itself must pass: one sample every run/180.
		time.Sleep(every)
		// A client of the collector, timed: the slowest answer is a figure.
		asked := time.Now()
		res, err := soakClient.Get(api + "/api/v1/snapshot")
		if err != nil {
			t.Fatalf("the collector did not answer within 30 s, %s into the soak: %v", time.Since(began).Round(time.Second), err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		slowest = max(slowest, time.Since(asked))
		m := scrape(t, api+"/metrics")
		ps, err := readProc(pid)
		if err != nil {
			t.Fatal(err)
		}
		if el := time.Since(began); el >= warm {
			xs = append(xs, el.Hours())
			heap = append(heap, mib(int64(gauge(m, "go_memstats_heap_inuse_bytes"))))
			rss = append(rss, mib(ps.RSS))
			gor = append(gor, gauge(m, "go_goroutines"))
		}
	}
	tr := matchTruth(t, time.Minute, simURL, api)
	ps, _ := readProc(pid)
	mean := func(v []float64) float64 {
		s := 0.0
		for _, x := range v {
			s += x
		}
		return s / float64(len(v))
	}
	span := xs[len(xs)-1] - xs[0]
	hs, rs, gs := slope(xs, heap), slope(xs, rss), slope(xs, gor)
	report("orders: %d, every SKU on every channel equal to the truth at the end", tr.total())
	report("after warm-up (%d samples over %.0f min of wall time):", len(xs), span*60)
	report("  Go heap in use: mean %.1f MiB, slope %+.2f MiB/hour of wall time (%+.2f%% of the mean over the run)", mean(heap), hs, 100*hs*span/mean(heap))
	report("  RSS: mean %.1f MiB, slope %+.2f MiB/hour of wall time", mean(rss), rs)
	report("  goroutines: mean %.1f, min %.0f, max %.0f, slope %+.2f/hour", mean(gor), slices.Min(gor), slices.Max(gor), gs)
	report("collector CPU: %.1f s over %s; slowest /api/v1/snapshot answer %s", ps.CPU, time.Since(began).Round(time.Second), slowest.Round(time.Millisecond))
	if growth := hs * span / mean(heap); growth > 0.10 {
		t.Errorf("the heap grew %.1f%% after warm-up: not flat", 100*growth)
	}
	if slices.Max(gor)-slices.Min(gor) > 5 {
		t.Errorf("goroutines ranged %.0f–%.0f after warm-up: not flat", slices.Min(gor), slices.Max(gor))
	}
}

// The harness reads a histogram summed over its label sets from a real
// exposition and interpolates its quantiles as histogram_quantile does.
func TestHarnessReadsHistogramQuantiles(t *testing.T) {
	const text = `# TYPE h histogram
h_bucket{channel="a",le="1"} 50
h_bucket{channel="a",le="2"} 90
h_bucket{channel="a",le="+Inf"} 100
h_sum{channel="a"} 120
h_count{channel="a"} 100
h_bucket{channel="b",le="1"} 50
h_bucket{channel="b",le="2"} 100
h_bucket{channel="b",le="+Inf"} 100
h_sum{channel="b"} 100
h_count{channel="b"} 100
# TYPE g gauge
g 42
`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, text) }))
	defer srv.Close()
	h := readHistogram(t, srv.URL, "h")
	if h.count != 200 {
		t.Fatalf("count %v, want 200", h.count)
	}
	for _, c := range []struct{ q, want float64 }{{0.25, 0.5}, {0.5, 1}, {0.9, 1 + 80.0/90}, {0.99, 2}} {
		if got := h.quantile(c.q); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("q%.2f = %v, want %v", c.q, got, c.want)
		}
	}
	if g := gauge(scrape(t, srv.URL), "g"); g != 42 {
		t.Errorf("gauge %v, want 42", g)
	}
}

// TestFyneFloor is `make bench-floor`: what a Fyne window costs on this
// machine before flashdeck does anything, the floor under the remote
// desktop's figures in `make bench-remote`.
func TestFyneFloor(t *testing.T) {
	scaleOnly(t, "bench-floor")
	benchFloor(t, benchSpeed)
}

// benchFloor measures what a Fyne window costs on this machine before
// flashdeck does anything: e2e/floor, a window of the desktop's size
// (1280×800), run under Xvfb as long as the desktop's bench runs the
// desktop and measured the same way — idle, then with a grid of 20 × 14
// labels (about the SKUs tab's visible cells at that size, its rows 28 px
// high) of which 35, then 105, get a new figure each second. The remote
// desktop's SKUs tab gave 10 to 40 cells a new text a second on the
// bench's sale, and up to 150 in its first minute. It has no target of its
// own: it is the floor under the remote desktop's. speed is the desktop
// bench's, whose run length it takes.
func benchFloor(t *testing.T, speed float64) {
	if _, err := exec.LookPath("Xvfb"); err != nil {
		t.Fatal("Xvfb is missing: make bench installs it (scripts/install-deps.sh)")
	}
	floor := filepath.Join(t.TempDir(), "floor")
	build := exec.Command("go", "build", "-tags", "migrated_fynedo", "-o", floor, "./floor")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building e2e/floor: %v\n%s", err, out)
	}
	run := time.Duration(float64(10*time.Minute)/speed) + 20*time.Second
	fmt.Printf("fyne-floor: a Fyne window of 1280×800 under Xvfb with nothing of flashdeck in it (e2e/floor), %s each\n", run)
	for _, c := range []struct {
		what string
		args []string
	}{
		{"idle, one label", []string{"-rows", "1", "-cols", "1", "-new", "0"}},
		{"280 labels, 35 new figures a second", []string{"-rows", "20", "-cols", "14", "-new", "35"}},
		{"280 labels, 105 new figures a second", []string{"-rows", "20", "-cols", "14", "-new", "105"}},
	} {
		// Each on an X server of its own, stopped when it is measured.
		t.Run(c.what, func(t *testing.T) {
			display := startXvfb(t, 70, "1600x1000")
			cmd := exec.Command(floor, append(c.args, "-quit-after", run.String())...)
			cmd.Env = append(os.Environ(), "DISPLAY="+display, noSessionBus)
			cmd.Stderr = &testLog{t: t, prefix: "floor: "}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			smp := sample(cmd.Process.Pid, 500*time.Millisecond)
			// Time itself must pass: the window is measured for as long as
			// the desktop's bench measures the desktop.
			time.Sleep(run - 2*time.Second)
			st := smp.finish()
			if err := cmd.Wait(); err != nil {
				t.Fatalf("e2e/floor (%s) exited with %v", c.what, err)
			}
			report("%s: CPU %.1f s (%.1f%% of one core)", c.what, st.CPU, 100*st.CPU/run.Seconds())
			memLine(c.what, smp)
		})
	}
}
