package serve_test

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/demo/demotest"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/format"
	"github.com/flashdeck/flashdeck/internal/testwait"
)

// GET /api/v1/report is the sale's report from the running engine: an
// HTML page whose figures are the snapshot's.
func TestReportRoute(t *testing.T) {
	r := demotest.Start(t, demotest.Options{Into: 4 * time.Minute})
	testwait.For(t, 30*time.Second, "the demo's first orders", func() bool {
		s := r.Collector.Engine.Snapshot().Sales
		return len(s) > 0 && s[0].Sold > 0
	})
	srv, _ := r.Serve(t)
	// The manual clock stands still: once the engine counts what the
	// channels sold, the figures hold.
	testwait.Until(t, 60*time.Second, func() string {
		truth := r.Sim.Server.Truth()
		for _, c := range r.Collector.Engine.Snapshot().Sales[0].Channels {
			want := 0
			for _, n := range truth.Sold[c.Channel] {
				want += n
			}
			if c.Sold != want {
				return fmt.Sprintf("%s: %d sold counted, %d taken", c.Channel, c.Sold, want)
			}
		}
		return ""
	})
	var snap engine.Snapshot
	if _, body := get(t, srv.URL+"/api/v1/snapshot", ""); json.Unmarshal([]byte(body), &snap) != nil || len(snap.Sales) == 0 {
		t.Fatalf("GET /api/v1/snapshot: %.300s", body)
	}
	sale := snap.Sales[0]

	res, err := http.Head(srv.URL + "/api/v1/report?sale=" + sale.ID)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	code, body := get(t, srv.URL+"/api/v1/report?sale="+sale.ID, "")
	if code != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /api/v1/report: %d %s", code, res.Header.Get("Content-Type"))
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("Content-Security-Policy %q: the page must not be able to fetch anything", csp)
	}
	page := html.UnescapeString(body)
	want := format.Count(sale.Sold, sale.Currency) + " / " + format.Count(sale.Allocated, sale.Currency)
	if !strings.Contains(page, "<b>"+want+"</b>") {
		t.Errorf("the report does not show %q sold of allocated", want)
	}
	for _, c := range sale.Channels {
		if !strings.Contains(page, ">"+format.Count(c.Sold, sale.Currency)+"<") {
			t.Errorf("the report does not show %s's %d sold", c.Channel, c.Sold)
		}
	}
	// The only sale is the default; an unknown one is refused by the
	// query check, naming the sales there are.
	if code, _ := get(t, srv.URL+"/api/v1/report", ""); code != http.StatusOK {
		t.Errorf("GET /api/v1/report without sale: %d, want 200 with one sale configured", code)
	}
	if code, body := get(t, srv.URL+"/api/v1/report?sale=nope", ""); code != http.StatusBadRequest || !strings.Contains(body, sale.ID) {
		t.Errorf("GET /api/v1/report?sale=nope: %d %s", code, body)
	}
}
