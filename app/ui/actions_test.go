package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/collector"
	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/demo"
	"github.com/flashdeck/flashdeck/app/demo/demotest"
	"github.com/flashdeck/flashdeck/datasources/simulator"
	"github.com/flashdeck/flashdeck/internal/testwait"
)

// liveCollector runs the demo simulator and a collector on it.
func liveCollector(t *testing.T) (*demo.Sim, *collector.Collector) {
	t.Helper()
	rig := demotest.Start(t, demotest.Options{Into: 5 * time.Minute, ActionTimeout: 10 * time.Second})
	return rig.Sim, rig.Collector
}

func TestActionsTabPausesWithConfirmationAndRetries(t *testing.T) {
	test.NewTempApp(t)
	sim, c := liveCollector(t)
	d := NewDashboard(c.Engine.Snapshot())
	w := test.NewTempWindow(t, d.Content())
	w.Resize(fyne.NewSize(1280, 800))
	d.goRun = func(f func()) { f() }
	d.SetActions(c.Actions, actions.User{Name: "ayu", Role: config.RoleOperator})
	v := d.actions
	v.goRun = func(f func()) { f() }
	v.filterWait = 0
	var asked []actions.Action
	v.confirm = func(plan actions.Action, _ string, ok func(string)) {
		asked = append(asked, plan)
		ok("scalper burst")
	}
	v.onError = func(err error) { t.Errorf("error shown: %v", err) }
	d.SelectTab("actions")
	if d.tabs.Selected() != d.actTab {
		t.Fatal("SelectTab(\"actions\") did not open the tab")
	}
	if len(v.chans.Selected) != 3 {
		t.Fatalf("channels ticked %v, want all three", v.chans.Selected)
	}

	test.Tap(v.pause)
	if len(asked) != 1 {
		t.Fatalf("%d confirmations, want 1", len(asked))
	}
	plan := asked[0]
	if !strings.Contains(plan.Summary, "Pause POCO M3 flash sale on Lazada ID and mi.com ID") || !strings.Contains(plan.Summary, "Akulaku ID: manual step") {
		t.Errorf("confirmation headline %q", plan.Summary)
	}
	if len(plan.Results) != 3 || !strings.Contains(plan.Results[0].Effect, "sellable stock of") {
		t.Errorf("per-channel effects %+v", plan.Results)
	}
	if rows := v.Rows(); len(rows) != 1 || rows[0].Reason != "scalper burst" || rows[0].User != "ayu" {
		t.Fatalf("audit rows %+v", rows)
	}
	if got := resultWords(&v.Rows()[0]); got != "2 applied, 1 manual" {
		t.Errorf("result %q", got)
	}
	if len(v.progress.Objects) != 3 {
		t.Errorf("%d progress rows, want one per channel", len(v.progress.Objects))
	}

	// A channel that fails is retried on its own.
	sim.Server.Book("micom-id").SetActionFault(simulator.OpResume, simulator.ActionFault{Mode: "fail"})
	v.chans.SetSelected([]string{"Lazada ID", "mi.com ID"})
	test.Tap(v.resume)
	if v.retry.Disabled() {
		t.Fatalf("Retry is disabled after a failure: %s", v.current.Text)
	}
	test.Tap(v.retry)
	if a := v.Rows()[0]; a.Kind != actions.Resume || a.Status() != actions.Applied {
		t.Errorf("after retry: %s %s", a.Kind, resultWords(&a))
	}
	if n := sim.Server.Book("lazada-id").ActionCount(simulator.OpResume); n != 1 {
		t.Errorf("lazada resumed %d times, want 1", n)
	}
	v.filter.SetText("resume")
	if len(v.Rows()) != 1 {
		t.Errorf("filter resume: %d rows, want 1", len(v.Rows()))
	}
}

func TestViewerCannotPressActionButtons(t *testing.T) {
	test.NewTempApp(t)
	_, c := liveCollector(t)
	d := NewDashboard(c.Engine.Snapshot())
	test.NewTempWindow(t, d.Content())
	d.goRun = func(f func()) { f() }
	d.SetActions(c.Actions, actions.User{Name: "wall", Role: config.RoleViewer})
	for _, b := range []interface {
		Disabled() bool
		Tip() string
	}{d.actions.pause, d.actions.resume, d.actions.extend, d.flagged.cancel, d.skus.capStock} {
		if !b.Disabled() || b.Tip() != viewerTip {
			t.Errorf("a viewer's button: disabled %v, tip %q", b.Disabled(), b.Tip())
		}
	}
	if !d.flagged.review.Disabled() {
		t.Error("Mark reviewed is enabled for a viewer")
	}
}

func TestFlaggedReviewGoesThroughSaleControl(t *testing.T) {
	test.NewTempApp(t)
	_, c := liveCollector(t)
	testwait.For(t, 20*time.Second, "no flags five minutes into the demo", func() bool {
		return len(c.Engine.Flags("")) > 0
	})
	d := NewDashboard(c.Engine.Snapshot())
	test.NewTempWindow(t, d.Content())
	d.goRun = func(f func()) { f() }
	d.SetActions(c.Actions, actions.User{Name: "ayu", Role: config.RoleOperator})
	d.actions.goRun = func(f func()) { f() }
	d.actions.onError = func(err error) { t.Errorf("error shown: %v", err) }
	d.actions.confirm = func(_ actions.Action, reason string, ok func(string)) { ok(reason) }
	d.tabs.Select(d.flagTab)
	d.SetFlags(c.Engine.Flags(""))
	f := d.flagged.current()
	if f == nil {
		t.Fatal("no flag shown")
	}
	test.Tap(d.flagged.review)
	rows := d.actions.Rows()
	if len(rows) != 1 || rows[0].Kind != actions.ReviewOrder || rows[0].OrderID != f.OrderID || rows[0].Status() != actions.Applied {
		t.Fatalf("audit after Mark reviewed: %+v", rows)
	}
	if rows[0].Reason != "Checked: not a scalper" || rows[0].User != "ayu" {
		t.Errorf("review recorded as %q by %q", rows[0].Reason, rows[0].User)
	}
}
