package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/demo/demotest"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/format"
	"github.com/flashdeck/flashdeck/app/i18n"
	"github.com/flashdeck/flashdeck/app/report"
	"github.com/flashdeck/flashdeck/datasources/simulator"
	"github.com/flashdeck/flashdeck/internal/plot"
	"github.com/flashdeck/flashdeck/internal/testwait"
)

// updateDocs writes the Chromium screenshot to docs/report.png.
var updateDocs = flag.Bool("docs", false, "write the report's screenshot to docs/report.png")

const sale = "poco-m3-launch"

// caughtUp waits until the engine counts what every simulated channel sold.
func caughtUp(t *testing.T, r *demotest.Rig) {
	t.Helper()
	testwait.Until(t, 30*time.Second, func() string {
		truth := r.Sim.Server.Truth()
		for _, s := range r.Collector.Engine.Snapshot().Sales {
			for _, c := range s.Channels {
				want := 0
				for _, n := range truth.Sold[c.Channel] {
					want += n
				}
				if c.Sold != want {
					return fmt.Sprintf("%s: engine counts %d sold, the channel %d", c.Channel, c.Sold, want)
				}
			}
		}
		return ""
	})
}

func channelState(t *testing.T, r *demotest.Rig, id, want string) {
	t.Helper()
	testwait.Until(t, 30*time.Second, func() string {
		if c, _ := r.Collector.Engine.Snapshot().Channel(id); c.State != want {
			return fmt.Sprintf("%s is %s, want %s", id, c.State, want)
		}
		return ""
	})
}

func act(t *testing.T, r *demotest.Rig, req actions.Request) {
	t.Helper()
	req.Sale = sale
	req.IdempotencyKey = fmt.Sprintf("report-%s-%d", req.Kind, time.Now().UnixNano())
	ayu := actions.User{Name: "ayu", Role: config.RoleOperator}
	if _, err := r.Collector.Actions.Submit(context.Background(), ayu, req); err != nil {
		t.Fatalf("%s: %v", req.Kind, err)
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, res.Status)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// demoSale runs the demo through an outage of Lazada ID (minutes 3–7), a
// pause at 9:30 and a resume at 12:00, to minute 40; it returns the API's
// snapshot and audit at the end, then closes the collector, so that the
// database is the report's alone.
func demoSale(t *testing.T) (*demotest.Rig, engine.Snapshot, int) {
	t.Helper()
	r := demotest.Start(t, demotest.Options{Into: 3 * time.Minute})
	caughtUp(t, r)
	book := r.Sim.Server.Book("lazada-id")
	book.SetFaults(simulator.Faults{Down: true})
	channelState(t, r, "lazada-id", engine.StateDown)
	r.Clock.Advance(4 * time.Minute)
	book.SetFaults(simulator.Faults{})
	channelState(t, r, "lazada-id", engine.StateOK)
	caughtUp(t, r)
	r.Clock.Advance(2*time.Minute + 30*time.Second)
	act(t, r, actions.Request{Kind: actions.Pause, Reason: "bots on the checkout"})
	r.Clock.Advance(2*time.Minute + 30*time.Second)
	act(t, r, actions.Request{Kind: actions.Resume, Reason: "bots blocked at the gateway"})
	for range 7 { // to minute 47, a few minutes at a time
		r.Clock.Advance(5 * time.Minute)
		caughtUp(t, r)
	}

	srv, _ := r.Serve(t)
	var snap engine.Snapshot
	getJSON(t, srv.URL+"/api/v1/snapshot", &snap)
	var audit struct{ Count int }
	getJSON(t, srv.URL+"/api/v1/audit?sale="+sale, &audit)
	srv.Close()
	if err := r.Collector.Close(); err != nil {
		t.Fatal(err)
	}
	return r, snap, audit.Count
}

// The report, built from the database after the collector stopped, shows
// the figures the API showed for the same sale.
func TestReportFiguresEqualTheAPIs(t *testing.T) {
	r, snap, audited := demoSale(t)
	rep, err := report.Open(r.Sim.Config, sale, nil)
	if err != nil {
		t.Fatal(err)
	}
	api := snap.Sales[0]
	if rep.Sale.Sold != api.Sold || rep.Sale.Allocated != api.Allocated || rep.Sale.SellThrough != api.SellThrough {
		t.Errorf("sale: report %d/%d (%v), API %d/%d (%v)", rep.Sale.Sold, rep.Sale.Allocated, rep.Sale.SellThrough, api.Sold, api.Allocated, api.SellThrough)
	}
	if len(rep.Channels) != len(api.Channels) {
		t.Fatalf("%d channels, the API has %d", len(rep.Channels), len(api.Channels))
	}
	for i, c := range rep.Channels {
		a := api.Channels[i]
		if c.ID != a.Channel || c.Sold != a.Sold || c.Allocated != a.Allocated || c.SellThrough != a.SellThrough {
			t.Errorf("channel %s: report %d/%d (%v), API %s %d/%d (%v)", c.ID, c.Sold, c.Allocated, c.SellThrough, a.Channel, a.Sold, a.Allocated, a.SellThrough)
		}
	}
	bySKU := map[string]engine.SKUSnap{}
	for _, k := range api.SKUs {
		bySKU[k.SKU] = k
	}
	if len(rep.SKUs) != len(api.SKUs) {
		t.Errorf("%d SKUs, the API has %d", len(rep.SKUs), len(api.SKUs))
	}
	soldOut := 0
	for _, k := range rep.SKUs {
		a := bySKU[k.ID]
		if k.Sold != a.Sold || k.Allocated != a.Allocated || k.SellThrough != a.SellThrough {
			t.Errorf("SKU %s: report %d/%d (%v), API %d/%d (%v)", k.ID, k.Sold, k.Allocated, k.SellThrough, a.Sold, a.Allocated, a.SellThrough)
		}
		// Sold out exactly when the API says nothing remains.
		if (a.Remaining <= 0) != !k.SoldOut.IsZero() {
			t.Errorf("SKU %s: sold out at %v, the API has %d remaining", k.ID, k.SoldOut, a.Remaining)
		}
		if !k.SoldOut.IsZero() {
			soldOut++
			if k.SoldOut.Before(api.Start) || k.SoldOut.After(snap.At) {
				t.Errorf("SKU %s sold out at %v, outside the sale so far [%v, %v]", k.ID, k.SoldOut, api.Start, snap.At)
			}
		}
	}
	t.Logf("%d of %d SKUs sold out", soldOut, len(rep.SKUs))
	if f := api.Flags; rep.Flagged != f.Open+f.Reviewed+f.Cancelled {
		t.Errorf("%d flagged orders, the API counts %d", rep.Flagged, f.Open+f.Reviewed+f.Cancelled)
	}
	if len(rep.Actions) != audited || audited != 2 {
		t.Errorf("%d actions in the report, %d in the API's audit; want the pause and the resume", len(rep.Actions), audited)
	}

	if len(rep.Outages) != 1 {
		t.Fatalf("outages %+v, want Lazada's", rep.Outages)
	}
	o := rep.Outages[0]
	if o.Channel != "lazada-id" || !o.Start.Equal(demotest.Opened.Add(3*time.Minute)) || o.Length != 4*time.Minute || o.Ongoing {
		t.Errorf("outage %+v, want lazada-id down from 14:03 for 4 minutes", o)
	}
	if o.Before <= 0 {
		t.Errorf("Lazada sold %v a minute before the outage", o.Before)
	}
}

// The HTML holds everything it shows: no request leaves it.
func TestReportHTMLIsSelfContained(t *testing.T) {
	r, _, _ := demoSale(t)
	rep, err := report.Open(r.Sim.Config, sale, nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := report.WriteHTML(&buf, rep); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	for _, bad := range []string{"http://", "https://", "<script", "<link", "@import", "url("} {
		if strings.Contains(html, bad) {
			t.Errorf("the report contains %q: it must not reach the network", bad)
		}
	}
	for _, want := range []string{"data:image/png;base64,", "@media print", "POCO M3 flash sale", "Lazada ID", "bots on the checkout", "Every SKU"} {
		if !strings.Contains(html, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	screenshot(t, html)

	// The same report in Bahasa Indonesia: its texts and numbers, the
	// names and the reasons given as they were.
	if _, err := i18n.Setup("id"); err != nil {
		t.Fatal(err)
	}
	defer func() { _, _ = i18n.Setup("en"); format.SetLanguage("") }()
	buf.Reset()
	if err := report.WriteHTML(&buf, rep); err != nil {
		t.Fatal(err)
	}
	html = buf.String()
	for _, want := range []string{`<html lang="id">`, "Laporan pascapenjualan", "Semua SKU", "Gangguan", "Pesanan ditandai", "POCO M3 flash sale", "bots on the checkout"} {
		if !strings.Contains(html, want) {
			t.Errorf("the report in Indonesian lacks %q", want)
		}
	}
	for _, bad := range []string{"Post-sale report", "Every SKU", "Outages", "Flagged orders", "Sell-through", "not sold out"} {
		if strings.Contains(html, bad) {
			t.Errorf("the report in Indonesian still says %q", bad)
		}
	}
}

// chromium finds a headless Chromium, "" if none.
func chromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// screenshot opens the report in headless Chromium and checks the page it
// draws: the timeline's image is there, in its colours.
func screenshot(t *testing.T, html string) {
	t.Helper()
	bin := chromium()
	if bin == "" {
		t.Skip("no chromium binary on PATH (apt-get install chromium; scripts/install-deps.sh --test): the report's screenshot is not checked")
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, []byte(html), 0o600); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, "report.png")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
		"--no-first-run", "--user-data-dir="+filepath.Join(dir, "profile"),
		"--window-size=1200,2600", "--screenshot="+shot, "file://"+page)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", bin, err, out)
	}
	f, err := os.ReadFile(shot)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(f))
	if err != nil {
		t.Fatalf("the screenshot: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 1200 || b.Dy() != 2600 {
		t.Errorf("screenshot of %v, want 1200×2600", b)
	}
	// Each channel's curve shows in its colour: the image was decoded
	// and drawn, not left broken.
	for i := range 3 {
		if n := pixelsNear(img, plot.SeriesColor(i)); n < 50 {
			t.Errorf("%d pixels of series %d's colour in the screenshot: the timeline is missing", n, i)
		}
	}
	if *updateDocs {
		if err := os.WriteFile(filepath.Join("..", "..", "docs", "report.png"), f, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func pixelsNear(img image.Image, c interface{ RGBA() (r, g, b, a uint32) }) int {
	cr, cg, cb, _ := c.RGBA()
	near := func(a, b uint32) bool { d := int(a>>8) - int(b>>8); return d >= -24 && d <= 24 }
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bb, _ := img.At(x, y).RGBA()
			if near(r, cr) && near(g, cg) && near(bb, cb) {
				n++
			}
		}
	}
	return n
}
