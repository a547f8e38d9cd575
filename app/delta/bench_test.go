package delta

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/engine"
)

// launchPair is a launch-sized snapshot (one sale, 1,400 SKUs on 4
// channels) and the next one at the peak: the clock a second on, one
// channel polled (its cells one poll younger), and about one cell in
// four sold from (and so every SKU's sums).
func launchPair(b *testing.B) (*engine.Snapshot, *engine.Snapshot) {
	b.Helper()
	chans := []string{"lazada-id", "lazada-my", "akulaku-id", "mi-store"}
	at := time.Date(2026, 12, 7, 5, 0, 0, 0, time.UTC)
	polled := at.Add(-time.Second)
	a := &engine.Snapshot{At: at, Wall: at.Add(time.Hour), Seq: 100}
	for _, id := range chans {
		a.Channels = append(a.Channels, engine.ChannelSnap{ID: id, Name: "Channel " + id, State: engine.StateOK,
			LastSuccess: polled, Orders: 1000, Spark: make([]float64, 30)})
	}
	fig := func(n int) engine.Figures {
		eta := at.Add(time.Duration(n+1) * time.Minute)
		return engine.Figures{Allocated: 500, Sold: n % 500, Remaining: 500 - n%500, SellThrough: float64(n%500) / 500,
			Rate1m: float64(n % 97), Rate5m: float64(n % 89), ETASellout: &eta, AsOf: polled}
	}
	sl := engine.SaleSnap{ID: "poco-m3-launch", Name: "Launch", State: engine.SaleLive, Currency: "IDR", Figures: fig(1)}
	for _, ch := range chans {
		sl.Channels = append(sl.Channels, engine.SaleChannelSnap{Channel: ch, Figures: fig(2)})
	}
	for k := range 1400 {
		sku := engine.SKUSnap{SKU: fmt.Sprintf("POCO-M3-%04d-BLK", k), Name: "POCO M3 black", FlashPrice: 1999000, Figures: fig(k)}
		for c, ch := range chans {
			stock := 480
			sku.Channels = append(sku.Channels, engine.CellSnap{Channel: ch, Figures: fig(k + c), Stock: &stock,
				StockAsOf: polled, StockStatus: engine.StockMatches})
		}
		sl.SKUs = append(sl.SKUs, sku)
	}
	a.Sales = []engine.SaleSnap{sl}

	var n engine.Snapshot
	raw, _ := json.Marshal(a)
	if err := json.Unmarshal(raw, &n); err != nil {
		b.Fatal(err)
	}
	n.Seq, n.At, n.Wall = a.Seq+1, a.At.Add(time.Second), a.Wall.Add(time.Second)
	for _, f := range figuresOf(&n) {
		t := f.ETASellout.Add(time.Second)
		f.ETASellout = &t
	}
	s := &n.Sales[0]
	for j := range s.SKUs {
		// Every SKU sells on one channel or another: its sums move too.
		s.SKUs[j].Sold++
		s.SKUs[j].Remaining--
		for c := range s.SKUs[j].Channels {
			cell := &s.SKUs[j].Channels[c]
			if c == 0 {
				cell.AsOf = polled.Add(time.Second)
			}
			if (j+c)%4 == 0 {
				cell.Sold++
				cell.Remaining--
				cell.Rate1m++
				t := cell.ETASellout.Add(-3 * time.Second)
				cell.ETASellout = &t
			}
		}
	}
	return a, &n
}

func BenchmarkDiffLaunch(b *testing.B) {
	a, n := launchPair(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Diff(a, n); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeLaunch(b *testing.B) {
	a, n := launchPair(b)
	d, err := Diff(a, n)
	if err != nil {
		b.Fatal(err)
	}
	wire, _ := json.Marshal(d)
	b.SetBytes(int64(len(wire)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(wire); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeLaunchJSON is the delta read by encoding/json alone
// (what Decode did before it read deltas by hand), for comparison.
func BenchmarkDecodeLaunchJSON(b *testing.B) {
	a, n := launchPair(b)
	d, err := Diff(a, n)
	if err != nil {
		b.Fatal(err)
	}
	wire, _ := json.Marshal(d)
	b.SetBytes(int64(len(wire)))
	b.ReportAllocs()
	for b.Loop() {
		var d Delta
		if err := json.Unmarshal(wire, &d); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkApplyLaunch(b *testing.B) {
	a, n := launchPair(b)
	d, err := Diff(a, n)
	if err != nil {
		b.Fatal(err)
	}
	wire, _ := json.Marshal(d)
	d, err = Decode(wire)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Apply(a, d); err != nil {
			b.Fatal(err)
		}
	}
}
