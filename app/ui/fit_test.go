package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/format"
	"github.com/flashdeck/flashdeck/app/i18n"
	"github.com/flashdeck/flashdeck/app/rules"
	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/simulator"
)

// launchScaleSnapshot is the launch scenario (`flashdeck simulate --scenario
// launch`: its 1,400 products, names and four channels) at the height of
// its surge, with the largest numbers and longest texts a screen can get:
// six-figure counts and five-figure rates, a channel down with a long
// error, one still on its first load, another with its stock read long ago
// and hundreds of SKUs needing a look.
func launchScaleSnapshot() *engine.Snapshot {
	start := time.Date(2026, 11, 23, 14, 0, 0, 0, wib)
	sc := simulator.LaunchScenario(start, 10*time.Hour, 0, simulator.LaunchPeakPerMinute, 42)
	now := start.Add(2*time.Hour + 17*time.Minute)
	wall := time.Date(2026, 11, 23, 9, 17, 0, 0, time.UTC)
	sale := engine.SaleSnap{ID: sc.Sale.ID, Name: sc.Sale.Name, Start: start, End: sc.Sale.End, TimeZone: "Asia/Jakarta",
		Currency: "IDR", PerBuyerLimit: 2, State: engine.SaleLive, Flags: engine.FlagSummary{}}
	s := &engine.Snapshot{At: now, Wall: wall, Seq: 123456}
	perCh := make([]engine.Figures, len(sc.Channels))
	for i, c := range sc.Channels {
		ch := engine.ChannelSnap{ID: c.ID, Name: c.Name, Kind: c.Kind, Market: c.Market, State: engine.StateOK,
			LastSuccess: wall.Add(-time.Second), Latency: 1234 * time.Millisecond, PollInterval: 2 * time.Second,
			NextPoll: wall.Add(time.Second), Orders: 1_234_567, Capabilities: capsFor(c.Kind)}
		ch.Spark = make([]float64, 30)
		for m := range ch.Spark {
			ch.Spark[m] = c.PeakPerMinute * float64(m+1) / 30
		}
		switch i {
		case 1: // down for a while, with the kind of error channels give
			ch.State, ch.ConsecutiveFailures, ch.Old = engine.StateDown, 1234, true
			ch.LastSuccess, ch.DownSince, ch.LastErrorAt = wall.Add(-47*time.Minute), wall.Add(-46*time.Minute), wall.Add(-3*time.Second)
			ch.LastError = c.ID + ": /orders/get?created_after=2026-11-23T14:00:00+07:00&limit=100&offset=123400: " +
				"unavailable (HTTP 503 Service Temporarily Unavailable): upstream connect error or disconnect/reset before headers"
		case 2: // still on its first load
			ch.Backfill = engine.Backfill{Active: true, Read: 1_234_567, Total: 9_876_543}
		}
		s.Channels = append(s.Channels, ch)
	}
	for _, spec := range sc.SKUs {
		ks := engine.SKUSnap{SKU: spec.SKU, Name: spec.Name, FlashPrice: spec.FlashPrice}
		for i, c := range sc.Channels {
			alloc := c.Allocated[spec.SKU] * 40
			sold := alloc * 9 / 10
			f := engine.Figures{Allocated: alloc, Sold: sold, Remaining: alloc - sold, SellThrough: float64(sold) / float64(alloc),
				Rate1m: c.PeakPerMinute * spec.Popularity, AsOf: s.Channels[i].LastSuccess,
				Stale: s.Channels[i].State != engine.StateOK, Old: s.Channels[i].Old}
			eta := now.Add(9*time.Hour + 59*time.Minute)
			f.ETASellout = &eta
			stock := 123_456
			diff := stock - f.Remaining
			cell := engine.CellSnap{Channel: c.ID, Figures: f, Stock: &stock, StockAsOf: wall.Add(-59 * time.Minute),
				StockDifference: &diff, StockStatus: engine.StockOversell, SaleState: "live"}
			ks.Channels = append(ks.Channels, cell)
			ks.Allocated += alloc
			ks.Sold += sold
			perCh[i].Allocated += alloc
			perCh[i].Sold += sold
			perCh[i].Rate1m += f.Rate1m
		}
		ks.Remaining, ks.SellThrough = ks.Allocated-ks.Sold, float64(ks.Sold)/float64(ks.Allocated)
		sale.SKUs = append(sale.SKUs, ks)
	}
	for i, c := range sc.Channels {
		f := perCh[i]
		f.Remaining, f.SellThrough = f.Allocated-f.Sold, float64(f.Sold)/float64(f.Allocated)
		f.AsOf, f.Stale, f.Old = s.Channels[i].LastSuccess, s.Channels[i].State != engine.StateOK, s.Channels[i].Old
		eta := now.Add(9*time.Hour + 59*time.Minute)
		f.ETASellout = &eta
		stock := 12_345_678
		sale.Channels = append(sale.Channels, engine.SaleChannelSnap{Channel: c.ID, End: sc.Sale.End, Figures: f,
			Stock: &stock, StockAsOf: wall.Add(-59 * time.Minute),
			StockIssues: engine.StockIssues{OversellRisk: 1400, NotSelling: 1399}})
		sale.Allocated += f.Allocated
		sale.Sold += f.Sold
		sale.Rate1m += f.Rate1m
		sale.Rate5m += f.Rate1m
	}
	sale.Remaining, sale.SellThrough = sale.Allocated-sale.Sold, float64(sale.Sold)/float64(sale.Allocated)
	eta := now.Add(9*time.Hour + 59*time.Minute)
	sale.ETASellout, sale.Stale, sale.Old = &eta, true, true
	s.Sales = []engine.SaleSnap{sale}
	return s
}

// capsFor is what the launch's channels can do: Akulaku has no stock API.
func capsFor(kind string) datasources.Capabilities {
	return datasources.Capabilities{Orders: true, Stock: kind != datasources.KindAkulaku}
}

// launchFlags are flags on the launch sale with its longest SKU names.
func launchFlags(s *engine.Snapshot) []rules.Flag {
	var fs []rules.Flag
	sale := s.Sales[0]
	for i := range 40 {
		k := sale.SKUs[len(sale.SKUs)-1-i]
		ch := s.Channels[i%len(s.Channels)]
		f := rules.Flag{Sale: sale.ID, Channel: ch.ID, OrderID: "LZ-2026112314000012345" + string(rune('0'+i%10)), SKU: k.SKU,
			Units: 12345, Buyer: "b***********7@gmail.com", CreatedAt: s.Wall.Add(-time.Duration(i) * time.Second),
			Score: 100 - i, State: rules.StateOpen,
			Rules: []rules.Hit{{ID: "same-address", Reason: strings.Repeat("the same delivery point as orders on other channels under other names, ", 3)},
				{ID: "over-limit", Reason: "12,345 units where the limit per buyer is 2"}}}
		for j := range 25 {
			f.Evidence = append(f.Evidence, rules.Ref{Channel: s.Channels[j%4].ID, OrderID: "AK-9876543210987654321" + string(rune('0'+j%10)),
				SKU: k.SKU, Units: 12345, Buyer: "a***********9@yahoo.co.id", CreatedAt: f.CreatedAt})
		}
		f.EvidenceTotal = 1234
		fs = append(fs, f)
	}
	return fs
}

// The smallest screen the room has: 1366×768, less the menu bar that the
// test window lacks.
const (
	fitWidth  = 1366
	fitHeight = 768 - 30
)

// Every tab fits a 1366×768 screen at launch scale: long texts truncate or
// wrap instead of widening the window. Fyne's tabs take the largest
// minimum of all their contents, so one wide tab would cut off every other.
// At 1366×768 and 1920×1080, the figures, the buttons and the last
// columns are inside the window, and the figures whole (no ellipsis).
func TestEveryTabFitsASmallScreenAtLaunchScale(t *testing.T) {
	t.Run("default", checkEveryTabFits)
	// Indonesian words are longer than English ones: the same screens in
	// Bahasa Indonesia must fit as well.
	t.Run("id", func(t *testing.T) {
		if _, err := i18n.Setup("id"); err != nil {
			t.Fatal(err)
		}
		defer func() { _, _ = i18n.Setup("en"); format.SetLanguage("") }()
		checkEveryTabFits(t)
	})
}

func checkEveryTabFits(t *testing.T) {
	test.NewTempApp(t)
	s := launchScaleSnapshot()
	d := NewDashboard(s)
	d.SetActions(nil, actions.User{Name: "a-very-long-operator-name@flashdeck.example", Role: config.RoleOperator})
	flags := launchFlags(s)
	d.SetFlags(flags)
	d.flagged.Select(flags[0].Channel, flags[0].OrderID)
	w := test.NewTempWindow(t, d.Content())
	for _, it := range d.tabs.Items {
		if m := it.Content.MinSize(); m.Width > fitWidth || m.Height > fitHeight {
			t.Errorf("tab %s needs %.0f×%.0f, more than %d×%d", it.Text, m.Width, m.Height, fitWidth, fitHeight)
		}
	}
	if m := d.Content().MinSize(); m.Width > fitWidth || m.Height > fitHeight {
		t.Errorf("the window needs %.0f×%.0f, more than %d×%d", m.Width, m.Height, fitWidth, fitHeight)
	}

	card := d.overview.Card(s.Sales[0].ID)
	for _, size := range []fyne.Size{{Width: fitWidth, Height: fitHeight}, {Width: 1920, Height: 1080 - 30}} {
		w.Resize(size)
		// inside checks that o is shown within the window; whole, that a
		// label shows its text without an ellipsis.
		inside := func(tab, what string, o fyne.CanvasObject) {
			t.Helper()
			pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
			if !o.Visible() || o.Size().Width <= 0 || pos.X+o.Size().Width > size.Width+0.5 || pos.Y+o.Size().Height > size.Height+0.5 {
				t.Errorf("%v, %s: %s at %v size %v is not inside the window", size, tab, what, pos, o.Size())
			}
		}
		whole := func(tab string, l *widget.Label) {
			t.Helper()
			inside(tab, l.Text, l)
			full := widget.NewLabelWithStyle(l.Text, l.Alignment, l.TextStyle)
			full.SizeName = l.SizeName
			if l.Size().Width+0.5 < full.MinSize().Width {
				t.Errorf("%v, %s: %q cut off (%.0f px of %.0f)", size, tab, l.Text, l.Size().Width, full.MinSize().Width)
			}
		}
		d.SelectTab("overview")
		for _, l := range []*widget.Label{card.sold, card.rate, card.eta} {
			whole("Overview", l)
		}
		hdr := card.rows.Objects[0].(*fyne.Container)
		for _, o := range hdr.Objects {
			whole("Overview", o.(*widget.Label)) // "Data age" last
		}
		for _, c := range s.Channels {
			r := card.chRows[c.ID]
			for _, l := range []*widget.Label{r.name, r.sold, r.rate, r.eta, r.stock, r.oversell, r.notSelling} {
				whole("Overview", l)
			}
			if !c.Backfill.Active {
				whole("Overview", r.age)
			}
			inside("Overview", "health", r.state)
		}

		d.SelectTab("skus")
		// All fourteen columns inside the table, headers whole, and the
		// codes, counts, rates, times, prices and ages of every row whole.
		tbl := d.skus.table
		var used float32
		for i, c := range tbl.cols {
			used += tbl.widths[i] + theme.Padding()
			if need := tbl.headerWidth(c.Title, i == d.skus.q.SortCol); tbl.widths[i]+0.5 < need {
				t.Errorf("%v, SKUs: header %q cut off (%.0f px of %.0f)", size, c.Title, tbl.widths[i], need)
			}
		}
		if room := tbl.box.Size().Width; used > room+0.5 {
			t.Errorf("%v, SKUs: the columns need %.0f px, the table has %.0f", size, used, room)
		}
		for _, col := range []int{colSKU, colAllocated, colSold, colRemaining, colSellThrough, colRate, colETA, colPrice, colAge} {
			var widest float32
			var text string
			for i := range d.skus.view {
				x := tbl.cols[col].Text(tbl.row(i))
				if w := fyne.MeasureText(x, theme.TextSize(), fyne.TextStyle{}).Width; w > widest {
					widest, text = w, x
				}
			}
			if need := widest + 2*cellInset(); tbl.widths[col]+0.5 < need {
				t.Errorf("%v, SKUs: %q cut off in %s (%.0f px of %.0f)", size, text, tbl.cols[col].Title, tbl.widths[col], need)
			}
		}
		inside("SKUs", "Export CSV…", d.skus.export)
		inside("SKUs", "channel filter", d.skus.channel)
		inside("SKUs", "Cap at allocation", d.skus.capStock)
		whole("SKUs", d.skus.count)

		d.SelectTab("channels")
		for _, c := range s.Channels {
			r := d.channels.rows[c.ID]
			for _, l := range []*widget.Label{r.name, r.age, r.latency, r.failures, r.next} {
				whole("Channels", l)
			}
			inside("Channels", "first load", r.progress)
		}

		d.SelectTab("flagged")
		inside("Flagged", "Mark reviewed", d.flagged.review)
		inside("Flagged", "Cancel order", d.flagged.cancel)
		whole("Flagged", d.flagged.count)

		d.SelectTab("actions")
		for what, o := range map[string]fyne.CanvasObject{"Pause": d.actions.pause, "Resume": d.actions.resume,
			"Extend": d.actions.extend, "Export CSV…": d.actions.export, "Retry": d.actions.retry} {
			inside("Actions", what, o)
		}
	}
}
