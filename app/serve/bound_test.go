package serve_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/collector"
	"github.com/flashdeck/flashdeck/app/demo/demotest"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/serve"
	"github.com/flashdeck/flashdeck/app/store"
	"github.com/flashdeck/flashdeck/datasources/simulator"
)

// snapshotWhole fetches /api/v1/snapshot and fails unless it is one
// complete JSON snapshot.
func snapshotWhole(t *testing.T, url, token string) engine.Snapshot {
	t.Helper()
	code, body := get(t, url+"/api/v1/snapshot", token)
	var s engine.Snapshot
	if code != 200 || json.Unmarshal([]byte(body), &s) != nil || len(s.Sales) == 0 {
		t.Fatalf("GET /api/v1/snapshot: %d, %d bytes: %.300s", code, len(body), body)
	}
	return s
}

// The extension that once blinded every desktop (year 10000 in the
// sale's zone) and its kin are refused before reaching anything, with
// the limit named; the snapshot, the stream and /healthz stay whole.
func TestExtendIsBounded(t *testing.T) {
	srv, c, sim := setup(t, roomUsers, roomEnv)
	cases := []struct{ name, req, field string }{
		{"year 9999 in UTC, 10000 in WIB", `"until":"9999-12-31T23:00:00Z"`, `"field": "until"`},
		{"a year ahead", `"until":"2027-11-23T16:00:00+07:00"`, `"field": "until"`},
		{"the longest duration Go parses", `"by":"2562047h"`, `"field": "by"`},
		{"one minute past the limit", `"by":"168h1m"`, `"field": "by"`},
	}
	for i, tc := range cases {
		body := `{"kind":"extend","sale":"poco-m3-launch",` + tc.req + `,"reason":"r","idempotency_key":"b` + itoa(i) + `"}`
		code, msg := post(t, srv.URL+"/api/v1/actions", "ayu-secret", body)
		if code != 400 || !strings.Contains(msg, tc.field) || !strings.Contains(msg, "at most 7 days past its configured end") {
			t.Errorf("%s: %d %s, want 400 naming the limit", tc.name, code, msg)
		}
	}
	for _, ch := range []string{"lazada-id", "micom-id"} {
		if n := sim.Server.Book(ch).ActionCount(simulator.OpExtend); n != 0 {
			t.Errorf("%s was sent %d extensions", ch, n)
		}
	}
	// The engine holds to the same limit whoever asks.
	if err := c.Engine.SetChannelEnd("poco-m3-launch", "micom-id", time.Date(9999, 12, 31, 23, 0, 0, 0, time.UTC)); err == nil || !strings.Contains(err.Error(), "later than the sale may be extended to") {
		t.Errorf("engine: an end in year 9999: %v", err)
	}
	s := snapshotWhole(t, srv.URL, "ayu-secret")
	if got := s.Sales[0].End.Year(); got != 2026 {
		t.Errorf("the sale now ends in %d", got)
	}
	if code, body := get(t, srv.URL+"/healthz", ""); code != 200 || !strings.Contains(body, `"status": "ok"`) {
		t.Errorf("/healthz: %d %s", code, body)
	}
	// Up to the limit is still an extension.
	code, msg := post(t, srv.URL+"/api/v1/actions", "ayu-secret", `{"kind":"extend","sale":"poco-m3-launch","channels":["micom-id"],"by":"168h","reason":"r","idempotency_key":"ok"}`)
	if code != 200 || !strings.Contains(msg, `"result": "applied"`) {
		t.Errorf("an extension of 7 days: %d %.500s", code, msg)
	}
	snapshotWhole(t, srv.URL, "ayu-secret")
}

// A saved state that cannot be used (here an end in year 9999, as a
// collector before the limit could save) is reported and set aside at
// start, never replayed into this start or the next.
func TestSavedStateOutsideTheLimitsIsSetAside(t *testing.T) {
	rig := demotest.Start(t, demotest.Options{})
	dir := rig.Sim.Config.StateDir
	rig.Collector.Close()
	db, err := store.OpenWith(dir, store.Options{KeyFile: rig.Sim.Config.DataKeyFile})
	if err != nil {
		t.Fatal(err)
	}
	bad := store.Control{Sale: "poco-m3-launch", Channel: "micom-id", End: time.Date(9999, 12, 31, 23, 0, 0, 0, time.UTC)}
	good := store.Control{Sale: "poco-m3-launch", Channel: "lazada-id", Paused: true}
	for _, c := range []store.Control{bad, good} {
		if err := db.SaveControl(c); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	start := func() (*httptest.Server, *collector.Collector) {
		c := rig.StartCollector(t)
		srv := httptest.NewServer(rig.API(t, c).Handler())
		t.Cleanup(srv.Close)
		return srv, c
	}
	srv, c := start()
	eng := c.Engine
	code, body := get(t, srv.URL+"/healthz", "")
	if code != 200 || !strings.Contains(body, "the saved end of poco-m3-launch on micom-id") || !strings.Contains(body, "set aside") {
		t.Errorf("/healthz after a start with a bad saved end: %d %s", code, body)
	}
	s := snapshotWhole(t, srv.URL, "")
	for _, ch := range s.Sales[0].Channels {
		if !ch.End.Equal(s.Sales[0].End) || ch.End.Year() != 2026 {
			t.Errorf("%s ends %v", ch.Channel, ch.End)
		}
		if want := ch.Channel == "lazada-id"; ch.Paused != want {
			t.Errorf("%s paused = %v: the readable state next to the bad one must still load", ch.Channel, ch.Paused)
		}
	}
	if len(eng.SetAside()) != 1 {
		t.Errorf("set aside: %q", eng.SetAside())
	}
	srv.Close()
	c.Close()

	// The next start no longer sees it; the database keeps it to be read.
	srv, c = start()
	if got := c.Engine.SetAside(); len(got) != 0 {
		t.Errorf("set aside again on the next start: %q", got)
	}
	snapshotWhole(t, srv.URL, "")
	c.Close()
	if db, err = store.OpenWith(dir, store.Options{KeyFile: rig.Sim.Config.DataKeyFile}); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	kept, err := db.SetAsides()
	if err != nil || len(kept) != 1 || !strings.Contains(kept[0].Value, "9999-12-31T23:00:00Z") || !strings.Contains(kept[0].Why, "max_extension") {
		t.Errorf("kept in the database: %+v %v", kept, err)
	}
}

// /healthz turns unhealthy when snapshots stop being published.
func TestHealthzUnhealthyWhenSnapshotsStop(t *testing.T) {
	rig := demotest.Start(t, demotest.Options{})
	api, err := serve.New(serve.Options{Config: rig.Sim.Config, Lookup: rig.Sim.Lookup(), Engine: rig.Collector.Engine,
		Metrics: rig.Collector.Metrics, MaxSnapshotAge: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.Handler())
	defer srv.Close()
	if code, body := get(t, srv.URL+"/healthz", ""); code != 200 {
		t.Fatalf("/healthz while publishing: %d %s", code, body)
	}
	rig.Collector.Close() // the engine stops publishing
	// Time itself must pass: the last snapshot must grow older than
	// MaxSnapshotAge.
	time.Sleep(3 * time.Second)
	code, body := get(t, srv.URL+"/healthz", "")
	if code != 503 || !strings.Contains(body, "no snapshot published for") {
		t.Errorf("/healthz with publishing stopped: %d %s", code, body)
	}
}
