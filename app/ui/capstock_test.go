package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/demo/demotest"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/internal/testwait"
)

// TestCapAtAllocationOnlyForOversellRisk: the button acts on the row
// picked, follows it when the rows are sorted again, and only an operator
// on an oversell-risk row may press it.
func TestCapAtAllocationOnlyForOversellRisk(t *testing.T) {
	test.NewTempApp(t)
	d := NewDashboard(stockSnapshot())
	d.SelectTab("skus") // the tab the figures are read on
	w := test.NewTempWindow(t, d.Content())
	w.Resize(fyne.NewSize(1366, 768))
	v := d.skus
	var asked []actions.Request
	var reasons []string
	// A viewer first (NewDashboard's default).
	if !v.capStock.Disabled() || v.capStock.Tip() != viewerTip || v.selLine.Text != selectHint {
		t.Errorf("viewer, nothing picked: disabled %v, tip %q, line %q", v.capStock.Disabled(), v.capStock.Tip(), v.selLine.Text)
	}
	d.goRun = func(f func()) { f() }
	d.SetActions(nil, actions.User{Name: "ayu", Role: config.RoleOperator})
	v.act = func(req actions.Request, reason string) { asked, reasons = append(asked, req), append(reasons, reason) }
	v.refreshSelection()

	// A click on a cell of the MATCH row picks the row; the table keeps
	// no cell selected, since it would stay put when the rows move.
	v.SortBy(colSKU)
	row := func(sku string) int {
		for i, r := range v.Rows() {
			if r.SKU == sku {
				return i
			}
		}
		t.Fatalf("no row %s", sku)
		return -1
	}
	v.table.Select(widget.TableCellID{Row: row("MATCH"), Col: colRemaining})
	if v.selected.sku != "MATCH" || !v.capStock.Disabled() || v.capStock.Tip() != capOnlyTip {
		t.Errorf("MATCH picked: %+v, disabled %v, tip %q", v.selected, v.capStock.Disabled(), v.capStock.Tip())
	}
	test.Tap(v.capStock)
	if len(asked) != 0 {
		t.Fatalf("a disabled button asked %+v", asked)
	}

	v.table.Select(widget.TableCellID{Row: row("OVER"), Col: colSKU})
	if want := "OVER on Lazada ID: channel stock 250, remaining 50, difference +200 oversell risk"; v.selLine.Text != want {
		t.Errorf("line %q, want %q", v.selLine.Text, want)
	}
	if v.capStock.Disabled() || v.capStock.Tip() != capTip {
		t.Fatalf("OVER picked: disabled %v, tip %q", v.capStock.Disabled(), v.capStock.Tip())
	}
	// Sorted again, the row moves and stays picked (in bold).
	v.SortBy(colDifference)
	if l := cellOf(t, v, "OVER", colProduct); !l.TextStyle.Bold {
		t.Error("the picked row is not bold after it moved")
	}
	if l := cellOf(t, v, "MATCH", colProduct); l.TextStyle.Bold {
		t.Error("a row not picked is bold")
	}
	test.Tap(v.capStock)
	if len(asked) != 1 {
		t.Fatalf("%d requests, want 1", len(asked))
	}
	req := asked[0]
	if req.Kind != actions.CapStock || req.Sale != "poco" || req.SKU != "OVER" || len(req.Channels) != 1 || req.Channels[0] != "lazada-id" {
		t.Errorf("request %+v", req)
	}
	if want := "Oversell risk: Lazada ID offers 250 of OVER, 50 remain of the allocation"; reasons[0] != want {
		t.Errorf("suggested reason %q, want %q", reasons[0], want)
	}

	// The next snapshot shows the cap: the button goes out.
	s := stockSnapshot()
	c := &s.Sales[0].SKUs[0].Channels[0]
	c.Stock, c.StockDifference, c.StockStatus = ptr(50), ptr(0), engine.StockMatches
	d.Apply(s)
	if !v.capStock.Disabled() || !strings.HasSuffix(v.selLine.Text, "difference 0") {
		t.Errorf("after the cap: disabled %v, line %q", v.capStock.Disabled(), v.selLine.Text)
	}
}

// TestCapAtAllocationThroughSaleControl: on the simulator, a Lazada
// listing raised behind flashdeck's back shows as oversell risk in the
// SKUs table, and Cap at allocation (confirmed with its reason) brings the
// channel's stock down to what remains.
func TestCapAtAllocationThroughSaleControl(t *testing.T) {
	test.NewTempApp(t)
	const sku, ch = "POCO-M3-464-BLK", "lazada-id"
	rig := demotest.Start(t, demotest.Options{Into: 5 * time.Minute, StockInterval: 2 * time.Second, ActionTimeout: 10 * time.Second})
	c := rig.Collector
	d := NewDashboard(c.Engine.Snapshot())
	d.SelectTab("skus") // the tab the figures are read on
	w := test.NewTempWindow(t, d.Content())
	w.Resize(fyne.NewSize(1366, 768))
	d.goRun = func(f func()) { f() }
	d.SetActions(c.Actions, actions.User{Name: "ayu", Role: config.RoleOperator})
	d.actions.goRun = func(f func()) { f() }
	d.actions.onError = func(err error) { t.Errorf("error shown: %v", err) }
	var confirmed []actions.Action
	d.actions.confirm = func(plan actions.Action, reason string, ok func(string)) {
		confirmed = append(confirmed, plan)
		ok(reason)
	}
	v := d.skus
	wait := func(what string, ok func(*skuRow) bool) *skuRow {
		t.Helper()
		var r *skuRow
		testwait.Until(t, 10*time.Second, func() string {
			d.Apply(c.Engine.Snapshot())
			if r = v.selectedRow(); r != nil && ok(r) {
				return ""
			}
			return fmt.Sprintf("%s: not shown (%+v)", what, r)
		})
		return r
	}
	v.Select("poco-m3-launch", sku, ch)
	r := wait("a first stock reading", func(r *skuRow) bool { return r.Stock != nil && r.StockStatus != engine.StockStale })
	if err := rig.Sim.Server.Book(ch).SetSellable(sku, r.Fig.Remaining+200); err != nil {
		t.Fatal(err)
	}
	r = wait("oversell risk", func(r *skuRow) bool { return r.StockStatus == engine.StockOversell })
	remaining := r.Fig.Remaining
	if got := differenceText(r, v.now); !strings.HasSuffix(got, " oversell risk") || !strings.HasPrefix(got, "+") {
		t.Errorf("difference %q", got)
	}
	v.SetFilter("oversell")
	if rows := v.Rows(); len(rows) != 1 || rows[0].SKU != sku || rows[0].Channel != ch {
		t.Errorf("filter oversell: %d rows", len(rows))
	}
	if v.capStock.Disabled() {
		t.Fatalf("Cap at allocation disabled on an oversell risk: %q", v.capStock.Tip())
	}

	test.Tap(v.capStock)
	if len(confirmed) != 1 || !strings.Contains(confirmed[0].Summary, "Cap the stock of "+sku) {
		t.Fatalf("confirmation %+v", confirmed)
	}
	a := d.actions.Rows()
	if len(a) != 1 || a[0].Kind != actions.CapStock || a[0].Status() != actions.Applied || a[0].User != "ayu" ||
		!strings.HasPrefix(a[0].Reason, "Oversell risk: Lazada ID offers ") {
		t.Fatalf("audit %+v", a)
	}
	for _, st := range rig.Sim.Server.Book(ch).Stock() {
		if st.SKU == sku && st.Sellable > remaining {
			t.Errorf("Lazada has %d sellable after the cap, %d remained", st.Sellable, remaining)
		}
	}
	wait("the cap shown", func(r *skuRow) bool { return r.StockStatus != engine.StockOversell })
	if !v.capStock.Disabled() {
		t.Error("Cap at allocation still enabled once capped")
	}
}
