package metrics

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/rules"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// fixture is a live sale on two channels: one SKU selling out in 90 s on
// lazada-id, the other not selling on micom-id; two bot flags on lazada-id.
func fixture() *engine.Snapshot {
	at := time.Date(2026, 11, 23, 14, 10, 0, 0, time.UTC)
	eta := at.Add(90 * time.Second)
	cell := func(ch string, alloc, sold int, eta *time.Time) engine.CellSnap {
		return engine.CellSnap{Channel: ch, Figures: engine.Figures{Allocated: alloc, Sold: sold, Remaining: alloc - sold, ETASellout: eta}}
	}
	return &engine.Snapshot{
		At: at, Wall: at,
		Sales: []engine.SaleSnap{{
			ID: "poco-m3-launch", State: engine.SaleLive,
			Flags: engine.FlagSummary{ByRule: []engine.FlagCount{{Channel: "lazada-id", Rule: rules.BotOpening, Count: 2}}},
			Channels: []engine.SaleChannelSnap{
				{Channel: "lazada-id", Figures: engine.Figures{Rate1m: 40}},
				{Channel: "micom-id"},
			},
			SKUs: []engine.SKUSnap{
				{SKU: "POCO-M3-464-BLK", Channels: []engine.CellSnap{withStock(cell("lazada-id", 500, 440, &eta), 260, engine.StockOversell), cell("micom-id", 300, 10, nil)}},
			},
		}},
		Channels: []engine.ChannelSnap{
			{ID: "lazada-id", State: engine.StateOK, LastSuccess: at},
			{ID: "micom-id", State: engine.StateDown},
			{ID: "poco-global", State: engine.StateDisabled},
		},
	}
}

// withStock gives a cell the channel's own stock and its judgement.
func withStock(c engine.CellSnap, units int, status string) engine.CellSnap {
	diff := units - c.Remaining
	c.Stock, c.StockDifference, c.StockStatus = &units, &diff, status
	return c
}

// The channel's stock, its difference from what remains and its judgement
// are exposed per SKU; a cell without a reading has none of them.
func TestStockMetrics(t *testing.T) {
	m := New(fixture)
	const want = `
# HELP flashdeck_sku_channel_stock Sellable units of a SKU the channel itself last reported. Absent for a channel without a stock API and before the first read.
# TYPE flashdeck_sku_channel_stock gauge
flashdeck_sku_channel_stock{channel="lazada-id",sale="poco-m3-launch",sku="POCO-M3-464-BLK"} 260
# HELP flashdeck_sku_stock_difference The channel's sellable stock of a SKU minus the units remaining of its allocation: above 0 the channel offers more than the allocation has left, below 0 fewer. Absent without a stock reading.
# TYPE flashdeck_sku_stock_difference gauge
flashdeck_sku_stock_difference{channel="lazada-id",sale="poco-m3-launch",sku="POCO-M3-464-BLK"} 200
`
	if err := testutil.GatherAndCompare(m.Registry, strings.NewReader(want), "flashdeck_sku_channel_stock", "flashdeck_sku_stock_difference"); err != nil {
		t.Error(err)
	}
	if n := testutil.CollectAndCount(m.Registry, "flashdeck_sku_stock_status"); n != 1 {
		t.Errorf("%d stock status series, want 1", n)
	}
}

// exercised is a registry with every metric family present: each vector
// has a child, as on a collector that has polled, failed and acted.
func exercised() *Metrics {
	m := New(fixture)
	m.OnPoll("lazada-id", 120*time.Millisecond, nil)
	m.OnPoll("micom-id", 5*time.Second, errors.New("connection refused"))
	m.OnFresh("lazada-id", []time.Duration{800 * time.Millisecond, 1500 * time.Millisecond})
	m.Actions.WithLabelValues("pause", "lazada-id", "applied").Inc()
	m.SetAttention(func() map[string]int { return map[string]int{"stalled_listing": 1, "channel": 0} })
	return m
}

func TestExpositionLintsClean(t *testing.T) {
	problems, err := testutil.GatherAndLint(exercised().Registry)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("%s: %s", p.Metric, p.Text)
	}
}

func TestSelloutETAIsSecondsOfSaleTime(t *testing.T) {
	m := New(fixture)
	const want = `
# HELP flashdeck_sku_sellout_eta_seconds Seconds of sale time until a SKU sells out on a channel at its current rate (last minute, else last 5 minutes). Absent when nothing sells, it is sold out, or the sale is not live.
# TYPE flashdeck_sku_sellout_eta_seconds gauge
flashdeck_sku_sellout_eta_seconds{channel="lazada-id",sale="poco-m3-launch",sku="POCO-M3-464-BLK"} 90
`
	if err := testutil.GatherAndCompare(m.Registry, strings.NewReader(want), "flashdeck_sku_sellout_eta_seconds"); err != nil {
		t.Error(err)
	}
}

// Every rule shows on every channel of the sale, zero until it fires, so
// an alert on the rise (FlaggedOrdersSpike) sees a rule's first burst.
func TestFlaggedOrdersStartAtZero(t *testing.T) {
	m := New(fixture)
	if n := testutil.CollectAndCount(m.Registry, "flashdeck_flagged_orders"); n != 2*len(rules.IDs) {
		t.Errorf("%d flashdeck_flagged_orders series, want %d (2 channels × %d rules)", n, 2*len(rules.IDs), len(rules.IDs))
	}
	mfs, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "flashdeck_flagged_orders" {
			continue
		}
		for _, s := range mf.GetMetric() {
			l := map[string]string{}
			for _, p := range s.GetLabel() {
				l[p.GetName()] = p.GetValue()
			}
			want := 0.0
			if l["channel"] == "lazada-id" && l["rule"] == rules.BotOpening {
				want = 2
			}
			if got := s.GetGauge().GetValue(); got != want {
				t.Errorf("flagged %v = %v, want %v", l, got, want)
			}
		}
	}
}

func TestChannelUpSkipsDisabledChannels(t *testing.T) {
	const want = `
# HELP flashdeck_channel_up 1 when the channel answers (ok or degraded), 0 when it is down.
# TYPE flashdeck_channel_up gauge
flashdeck_channel_up{channel="lazada-id"} 1
flashdeck_channel_up{channel="micom-id"} 0
`
	if err := testutil.GatherAndCompare(New(fixture).Registry, strings.NewReader(want), "flashdeck_channel_up"); err != nil {
		t.Error(err)
	}
}
