package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/flashdeck/flashdeck/app/check"
	"github.com/flashdeck/flashdeck/app/demo/demotest"
	"github.com/flashdeck/flashdeck/datasources/simulator"
)

// TestChannelsTabShowsTheCheck runs the desktop's check as Run wires it
// (the collector's own clients, in the background, through the bridge) on
// the demo with mi.com down, then again once it is back.
func TestChannelsTabShowsTheCheck(t *testing.T) {
	test.NewTempApp(t)
	rig := demotest.Start(t, demotest.Options{})
	d := NewDashboard(rig.Collector.Engine.Snapshot())
	d.SelectTab("channels") // the tab the lines are read on
	w := test.NewTempWindow(t, d.Content())
	w.Resize(fyne.NewSize(1366, 768))
	d.SelectTab("channels")
	v := d.channels.check
	if v.bar.Visible() {
		t.Error("the check bar shows before a check was connected")
	}

	mi := rig.Sim.Server.Book("micom-id")
	mi.SetFaults(simulator.Faults{Down: true})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	release := make(chan struct{}, 1)
	shown := make(chan struct{}, 1)
	c := rig.Collector
	ck := &checker{ctx: ctx, view: v, shown: func() { shown <- struct{}{} }, run: func(ctx context.Context) check.Report {
		<-release // held, so the test sees the check under way
		return check.Run(ctx, c.Config, c.Sources, check.Options{Now: c.Now, Timeout: 20 * time.Second})
	}}
	v.onRun = ck.start
	ck.start()

	// Under way: said so, and it cannot be started twice.
	if !v.bar.Visible() || !strings.Contains(v.status.Text, "reading every channel") || !v.again.Disabled() || !v.details.Disabled() {
		t.Errorf("while running: %q, again disabled %v, details disabled %v", v.status.Text, v.again.Disabled(), v.details.Disabled())
	}
	if l := d.channels.rows["lazada-id"].check; !l.Visible() || l.Text != "Check: running…" {
		t.Errorf("lazada line while running: %q", l.Text)
	}
	test.Tap(v.again) // disabled: nothing happens
	release <- struct{}{}
	<-shown

	if !strings.Contains(v.status.Text, "2 of 3 enabled channels passed; failed: mi.com ID (reach and credentials)") ||
		v.status.Importance != widget.DangerImportance {
		t.Errorf("status %q (importance %v)", v.status.Text, v.status.Importance)
	}
	want := map[string]struct {
		prefix string
		imp    widget.Importance
	}{
		"lazada-id":  {"Check: 4/4 ok", widget.SuccessImportance},
		"akulaku-id": {"Check: 2/2 ok (2 not supported)", widget.SuccessImportance},
		"micom-id":   {"Check ✗ reach and credentials: micom-id: /v1/health: unavailable", widget.DangerImportance},
	}
	for id, w := range want {
		l := d.channels.rows[id].check
		if !l.Visible() || !strings.HasPrefix(l.Text, w.prefix) || l.Importance != w.imp {
			t.Errorf("%s: %q (visible %v, importance %v), want %q", id, l.Text, l.Visible(), l.Importance, w.prefix)
		}
	}
	if v.details.Disabled() || v.again.Disabled() {
		t.Error("the buttons stay disabled after the check")
	}
	det := v.detailsText()
	for _, s := range []string{"✗ mi.com ID (micom-id, brandstore): FAILED, 0/4 ok", "✓ Lazada ID (lazada-id, lazada): passed, 4/4 ok", "Exit status 1"} {
		if !strings.Contains(det, s) {
			t.Errorf("details lack %q:\n%s", s, det)
		}
	}
	// The tab fits a 1366×768 window: the bar truncates rather than widens it.
	if min := d.Content().MinSize(); min.Width > 1366 {
		t.Errorf("the window needs %v wide", min)
	}

	// mi.com is back: "Run check again" says so.
	mi.SetFaults(simulator.Faults{})
	release <- struct{}{}
	test.Tap(v.again)
	<-shown
	if l := d.channels.rows["micom-id"].check; l.Text != "Check: 4/4 ok" || l.Importance != widget.SuccessImportance {
		t.Errorf("micom after it came back: %q", l.Text)
	}
	if !strings.Contains(v.status.Text, "all 3 enabled channels passed") || v.status.Importance != widget.SuccessImportance {
		t.Errorf("status %q", v.status.Text)
	}
}

// TestRemoteDesktopLeavesTheCheckToTheCollector: no channel is called from
// a --remote desktop, and the tab says where the check is done.
func TestRemoteDesktopLeavesTheCheckToTheCollector(t *testing.T) {
	test.NewTempApp(t)
	d := NewDashboard(snapshot(false))
	d.SelectTab("channels") // the tab the lines are read on
	test.NewTempWindow(t, d.Content())
	v := d.channels.check
	v.setRemote()
	if !v.bar.Visible() || !strings.Contains(v.status.Text, "on the collector") || v.again.Visible() || v.details.Visible() {
		t.Errorf("remote: %q, again visible %v", v.status.Text, v.again.Visible())
	}
	for id, r := range d.channels.rows {
		if r.check.Visible() {
			t.Errorf("%s shows a check line on a remote desktop: %q", id, r.check.Text)
		}
	}
}

// TestCheckLineOfARowMadeAfterTheReport: a channel row made after the
// report arrived gets its line at once.
func TestCheckLineOfARowMadeAfterTheReport(t *testing.T) {
	test.NewTempApp(t)
	d := NewDashboard(snapshot(false))
	d.SelectTab("channels") // the tab the lines are read on
	test.NewTempWindow(t, d.Content())
	v := d.channels.check
	v.onRun = func() {}
	v.setReport(check.Report{OK: true, Summary: "all 3 enabled channels passed", Channels: []check.Channel{
		{ID: "lazada-id", Name: "Lazada ID", Status: check.OK, Steps: []check.Step{{Name: check.StepReach, Status: check.OK}}},
		{ID: "later-id", Name: "Later", Status: check.OK, Steps: []check.Step{
			{Name: check.StepReach, Status: check.OK, Warnings: []string{"ends later on the channel"}},
			{Name: check.StepStock, Status: check.NotSupported}}},
	}})
	s := snapshot(false)
	later := s.Channels[1]
	later.ID, later.Name = "later-id", "Later"
	s.Channels = append(s.Channels, later)
	d.Apply(s)
	l := d.channels.rows["later-id"].check
	if l.Text != "Check: 1/1 ok (1 not supported, 1 warning)" || l.Importance != widget.WarningImportance {
		t.Errorf("later: %q %v", l.Text, l.Importance)
	}
	if m := d.channels.rows["micom-id"].check; m.Visible() {
		t.Errorf("a channel the report does not have shows %q", m.Text)
	}
}
