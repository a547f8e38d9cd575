package ui

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/collector"
	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/demo"
	"github.com/flashdeck/flashdeck/app/demo/demotest"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/format"
	"github.com/flashdeck/flashdeck/app/remote"
	"github.com/flashdeck/flashdeck/datasources/simulator"
	"github.com/flashdeck/flashdeck/internal/testwait"
)

// remoteDesktop runs the demo rig with users and its API, and a remote
// client on it with the operator's token.
func remoteDesktop(t *testing.T) (*demo.Sim, *collector.Collector, *httptest.Server, *remote.Client) {
	t.Helper()
	rig := demotest.Start(t, demotest.Options{Into: 5 * time.Minute, Poll: 500 * time.Millisecond, ActionTimeout: 10 * time.Second,
		Users: []config.User{{Name: "ayu", Role: "operator", TokenEnv: "T_AYU"}}, Env: map[string]string{"T_AYU": "ayu-token"}})
	srv, _ := rig.Serve(t)
	return rig.Sim, rig.Collector, srv, demotest.Remote(t, srv.URL, "ayu-token")
}

func TestRemoteDesktopShowsTheCollectorAndActsThroughIt(t *testing.T) {
	test.NewTempApp(t)
	sim, c, srv, rc := remoteDesktop(t)
	sale := sim.Config.Sales[0].ID
	// Wait for a remote snapshot that is the collector's own, sold units and all.
	var local, got *engine.Snapshot
	testwait.For(t, 15*time.Second, "the remote desktop never got the collector's figures", func() bool {
		local, got = c.Engine.Snapshot(), rc.Snapshot()
		return rc.Status().Connected && len(got.Sales) > 0 && got.Seq == local.Seq && got.Sales[0].Sold > 0
	})
	d := NewDashboard(got)
	w := test.NewTempWindow(t, d.Content())
	w.Resize(fyne.NewSize(1280, 800))
	want := local.Sales[0]
	card := d.overview.Card(sale)
	if !strings.HasPrefix(card.sold.Text, format.Count(want.Sold, want.Currency)+" / ") {
		t.Errorf("sold on the remote card %q, the collector has %d", card.sold.Text, want.Sold)
	}
	row := d.channels.rows[remote.CollectorID]
	if row == nil || row.state.Text() != "OK" || !strings.Contains(row.name.Text, strings.TrimPrefix(srv.URL, "http://")) {
		t.Fatalf("no collector row in Channels, or not OK: %+v", row)
	}

	// Acting goes through the collector, as the token's user.
	if u := rc.User(); u.Name != "ayu" || !u.CanAct() {
		t.Fatalf("remote user %+v", u)
	}
	d.goRun = func(f func()) { f() }
	d.SetActions(rc, rc.User())
	v := d.actions
	v.goRun = func(f func()) { f() }
	v.confirm = func(_ actions.Action, _ string, ok func(string)) { ok("reseller wave") }
	v.onError = func(err error) { t.Errorf("error shown: %v", err) }
	test.Tap(v.pause)
	if rows := v.Rows(); len(rows) != 1 || rows[0].User != "ayu" || resultWords(&rows[0]) != "2 applied, 1 manual" {
		t.Fatalf("audit rows through the collector: %+v", rows)
	}
	if n := sim.Server.Book("lazada-id").ActionCount(simulator.OpPause); n != 1 {
		t.Errorf("Lazada paused %d times, want once", n)
	}

	// The collector gone: shown like a down channel, last figures kept.
	srv.CloseClientConnections()
	srv.Close()
	testwait.For(t, 15*time.Second, "the lost collector is not shown", func() bool {
		ch, _ := rc.Snapshot().Channel(remote.CollectorID)
		return ch.State == engine.StateDown
	})
	d.Apply(rc.Snapshot())
	if b := d.banner.Text(); !strings.Contains(b, "Collector "+strings.TrimPrefix(srv.URL, "http://")+" is DOWN") {
		t.Errorf("banner while the collector is lost: %q", b)
	}
	lost := rc.Snapshot().Sales[0]
	if lost.Sold < want.Sold || !strings.HasPrefix(card.sold.Text, format.Count(lost.Sold, lost.Currency)+" / ") {
		t.Errorf("sold while lost %q: the last figures must stay (%d, %d before)", card.sold.Text, lost.Sold, want.Sold)
	}
	if r := card.chRows["lazada-id"]; r.sold.Importance != widget.LowImportance {
		t.Errorf("Lazada's figures not greyed as stale while the collector is lost (%q)", r.sold.Text)
	}
	d.SelectTab("channels") // hidden tabs catch up when opened
	if row.state.Text() != "DOWN" {
		t.Errorf("collector row %q while lost", row.state.Text())
	}
}
