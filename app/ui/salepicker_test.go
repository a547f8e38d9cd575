package ui

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/demo/demotest"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/rules"
	"github.com/flashdeck/flashdeck/datasources/simulator"
	"github.com/flashdeck/flashdeck/internal/testwait"
)

// twoSales splits the demo sale in two: the first five SKUs stay in the
// POCO sale, the others make a second sale on the same channels.
func twoSales(cfg *config.Config) {
	first := &cfg.Sales[0]
	second := *first
	second.ID, second.Name = "redmi-mi-weekend", "Redmi & Mi weekend"
	second.SKUs = slices.Clone(first.SKUs[5:])
	first.SKUs = first.SKUs[:5]
	cfg.Sales = append(cfg.Sales, second)
}

// twoSaleSnapshot is snapshot() with a second sale of other SKUs.
func twoSaleSnapshot() *engine.Snapshot {
	s := withSKUs(snapshot(false), 3)
	b := s.Sales[0]
	b.ID, b.Name = "redmi", "Redmi weekend"
	b.SKUs = slices.Clone(b.SKUs)
	for i := range b.SKUs {
		b.SKUs[i].SKU = fmt.Sprintf("REDMI-%04d", i)
	}
	s.Sales = append(s.Sales, b)
	return s
}

func TestSalePickerHiddenWithOneSale(t *testing.T) {
	test.NewTempApp(t)
	d := NewDashboard(withSKUs(snapshot(false), 3))
	test.NewTempWindow(t, d.Content())
	for name, p := range map[string]*salePicker{"SKUs": d.skus.sales, "Flagged": d.flagged.sales, "Actions": d.actions.picker} {
		if p.Content().Visible() {
			t.Errorf("%s: sale picker shown with one sale", name)
		}
	}
	if d.actions.saleID != "poco" {
		t.Errorf("Actions follows sale %q, want the only one", d.actions.saleID)
	}

	d.Apply(twoSaleSnapshot())
	for name, p := range map[string]*salePicker{"SKUs": d.skus.sales, "Flagged": d.flagged.sales, "Actions": d.actions.picker} {
		d.SelectTab(name) // hidden tabs catch up when opened
		if !p.Content().Visible() {
			t.Errorf("%s: sale picker hidden with two sales", name)
		}
	}
	if got, want := d.skus.sales.sel.Options, []string{allSales, "POCO M3 flash sale", "Redmi weekend"}; !slices.Equal(got, want) {
		t.Errorf("SKUs picker offers %q, want %q", got, want)
	}
	// Acting is on one sale at a time: no "All sales", the choice shown.
	if got, want := d.actions.picker.sel.Options, []string{"POCO M3 flash sale", "Redmi weekend"}; !slices.Equal(got, want) {
		t.Errorf("Actions picker offers %q, want %q", got, want)
	}
	if d.actions.picker.sel.Selected != "POCO M3 flash sale" {
		t.Errorf("Actions picker shows %q, want the sale it acts on", d.actions.picker.sel.Selected)
	}
}

func TestSKUsAndFlaggedShowTheSaleChosen(t *testing.T) {
	test.NewTempApp(t)
	d := NewDashboard(twoSaleSnapshot())
	w := test.NewTempWindow(t, d.Content())
	w.Resize(fyne.NewSize(1366, 768))

	sales := func(rows []skuRow) map[string]int {
		n := map[string]int{}
		for _, r := range rows {
			n[r.Sale]++
		}
		return n
	}
	if got := sales(d.skus.Rows()); got["poco"] != 6 || got["redmi"] != 6 {
		t.Fatalf("SKUs of all sales: %v, want 6 rows of each", got)
	}
	for _, tc := range []struct {
		label, sale string
		prefix      string
	}{
		{"Redmi weekend", "redmi", "REDMI-"},
		{"POCO M3 flash sale", "poco", "POCO-"},
	} {
		d.skus.sales.sel.SetSelected(tc.label)
		rows := d.skus.Rows()
		if len(rows) != 6 {
			t.Errorf("%s: %d SKU rows, want 6", tc.label, len(rows))
		}
		for _, r := range rows {
			if r.Sale != tc.sale || r.SKU[:len(tc.prefix)] != tc.prefix {
				t.Errorf("%s: row of %s %s shown", tc.label, r.Sale, r.SKU)
			}
		}
	}
	// A row of the other sale picked (from the attention list) brings its
	// sale into view.
	d.skus.Select("redmi", "REDMI-0001", "micom-id")
	if d.skus.sales.Chosen() != "redmi" || d.skus.selectedRow() == nil {
		t.Errorf("selecting a Redmi row left the SKUs on sale %q", d.skus.sales.Chosen())
	}

	flag := func(sale, order string, score int) rules.Flag {
		return rules.Flag{Sale: sale, Channel: "lazada-id", OrderID: order, SKU: "X", Units: 3, Buyer: "b***",
			CreatedAt: time.Date(2026, 11, 23, 14, 5, 0, 0, wib), Rules: []rules.Hit{{ID: rules.OverLimit, Reason: "3 > 2"}},
			Score: score, State: rules.StateOpen}
	}
	d.tabs.Select(d.flagTab)
	d.SetFlags([]rules.Flag{flag("poco", "1", 90), flag("redmi", "2", 80), flag("poco", "3", 50), flag("redmi", "4", 40)})
	if len(d.flagged.Rows()) != 4 || d.flagTab.Text != "Flagged (4)" {
		t.Fatalf("all sales: %d flags, tab %q", len(d.flagged.Rows()), d.flagTab.Text)
	}
	d.flagged.sales.sel.SetSelected("Redmi weekend")
	var orders []string
	for _, f := range d.flagged.Rows() {
		orders = append(orders, f.OrderID)
	}
	if !slices.Equal(orders, []string{"2", "4"}) {
		t.Errorf("Redmi weekend's flags: orders %v, want [2 4]", orders)
	}
	if f := d.flagged.current(); f == nil || f.Sale != "redmi" {
		t.Errorf("detail shows %+v, want the Redmi sale's worst flag", f)
	}
	if d.flagged.count.Text != "2 open · 0 reviewed · 0 cancelled" {
		t.Errorf("count %q, want the chosen sale's", d.flagged.count.Text)
	}
}

// TestActionsActOnTheSaleChosenOnly pauses the second of two sales, on the
// collector in process and through a remote one (--remote, whose sales
// come from the collector's snapshot): the second is paused, the first not.
func TestActionsActOnTheSaleChosenOnly(t *testing.T) {
	for _, remote := range []bool{false, true} {
		t.Run(map[bool]string{false: "local", true: "remote"}[remote], func(t *testing.T) {
			test.NewTempApp(t)
			rig := demotest.Start(t, demotest.Options{Into: 5 * time.Minute, Poll: 500 * time.Millisecond, ActionTimeout: 10 * time.Second, Configure: twoSales,
				Users: []config.User{{Name: "ayu", Role: "operator", TokenEnv: "T_AYU"}}, Env: map[string]string{"T_AYU": "ayu-token"}})
			c, sim := rig.Collector, rig.Sim
			first, second := sim.Config.Sales[0].ID, sim.Config.Sales[1].ID
			snap, svc, user := c.Engine.Snapshot(), ActionService(c.Actions), actions.User{Name: "ayu", Role: config.RoleOperator}
			if remote {
				srv, _ := rig.Serve(t)
				rc := demotest.Remote(t, srv.URL, "ayu-token")
				testwait.For(t, 15*time.Second, "the remote desktop never got both sales", func() bool {
					return rc.Status().Connected && len(rc.Snapshot().Sales) == 2 && rc.User().CanAct()
				})
				snap, svc, user = rc.Snapshot(), rc, rc.User()
			}
			d := NewDashboard(snap)
			w := test.NewTempWindow(t, d.Content())
			w.Resize(fyne.NewSize(1280, 800))
			d.goRun = func(f func()) { f() }
			d.SetActions(svc, user)
			v := d.actions
			v.goRun = func(f func()) { f() }
			v.filterWait = 0
			var asked []actions.Action
			v.confirm = func(plan actions.Action, _ string, ok func(string)) {
				asked = append(asked, plan)
				ok("second sale's listing is wrong")
			}
			v.onError = func(err error) { t.Errorf("error shown: %v", err) }
			if !v.picker.Content().Visible() || v.saleID != first {
				t.Fatalf("picker shown %v, acting on %q: want it shown, on the first sale until another is chosen", v.picker.Content().Visible(), v.saleID)
			}

			v.picker.sel.SetSelected("Redmi & Mi weekend")
			if v.saleID != second {
				t.Fatalf("after choosing the second sale the tab acts on %q", v.saleID)
			}
			if len(v.chans.Selected) != 3 {
				t.Fatalf("channels ticked %v, want all three of the second sale", v.chans.Selected)
			}
			test.Tap(v.pause)
			if len(asked) != 1 || asked[0].Sale != second || v.saleNames[asked[0].Sale] != "Redmi & Mi weekend" {
				t.Fatalf("%d confirmations (%+v), want one for the second sale", len(asked), asked)
			}
			rows := v.Rows()
			if len(rows) != 1 || rows[0].Sale != second || rows[0].Kind != actions.Pause {
				t.Fatalf("audit after pausing the second sale: %+v", rows)
			}
			paused := func(sale string) (on []string) {
				for _, sl := range c.Engine.Snapshot().Sales {
					for _, ch := range sl.Channels {
						if sl.ID == sale && ch.Paused {
							on = append(on, ch.Channel)
						}
					}
				}
				return on
			}
			testwait.For(t, 10*time.Second, "the pause never reached the engine", func() bool { return len(paused(second)) > 0 })
			if on := paused(first); len(on) > 0 {
				t.Errorf("the first sale is paused on %v: the pause was for the second only", on)
			}
			if n := sim.Server.Book("lazada-id").ActionCount(simulator.OpPause); n != 1 {
				t.Errorf("Lazada paused %d times, want once", n)
			}
		})
	}
}
