package simulator

import (
	"fmt"
	"math"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
)

// LaunchSKUs is how many products the launch-scale scenario sells: the
// promotion of 1,400 products whose store fell over hours before it opened.
const LaunchSKUs = 1400

// LaunchPeakPerMinute is the launch scenario's peak order rate over all
// its channels.
const LaunchPeakPerMinute = 50_000

// LaunchScenario is the scale scenario of `make bench` and `make soak`:
// 1,400 SKUs on four channels — Lazada Indonesia and Malaysia, Akulaku and
// mi.com — with peakPerMinute orders a minute at the height of the surge
// (all channels together), for a sale of length dur opening at start.
// Stock is allocated for the demand of the sale's first stockFor (the
// whole sale when zero): the popular products sell out and the rest do not
// within it; every buyer pool is large enough that the per-buyer limit
// never starves the surge. The scenario carries no planted abuse.
func LaunchScenario(start time.Time, dur, stockFor time.Duration, peakPerMinute float64, seed int64) Scenario {
	if stockFor <= 0 || stockFor > dur {
		stockFor = dur
	}
	start = start.In(WIB).Truncate(time.Second)
	// Products: families of phones, wearables and accessories in variants,
	// with a long tail of popularity.
	families := []struct {
		code, name string
		price      datasources.Money
	}{
		{"POCO-F", "POCO F phone", 449900000}, {"POCO-X", "POCO X phone", 319900000},
		{"POCO-M", "POCO M phone", 199900000}, {"REDMI-N", "Redmi Note phone", 259900000},
		{"REDMI-A", "Redmi A phone", 109900000}, {"MI-BAND", "Mi Smart Band", 49900000},
		{"MI-WATCH", "Mi Watch", 129900000}, {"AIRDOTS", "Redmi Buds", 19900000},
		{"PWRBANK", "Mi Power Bank", 24900000}, {"MI-TV", "Mi TV", 399900000},
	}
	colours := []string{"BLK", "BLU", "GRN", "SLV", "YLW", "WHT", "RED"}
	var skus []SKUSpec
	totalPop := 0.0
	for i := range LaunchSKUs {
		f := families[i%len(families)]
		model := i / len(families)
		pop := 1 / (1 + float64(i)/40) // a long tail: the first products are the hot ones
		totalPop += pop
		skus = append(skus, SKUSpec{
			SKU:        fmt.Sprintf("%s-%03d-%s", f.code, model, colours[model%len(colours)]),
			Name:       fmt.Sprintf("%s %d %s", f.name, model, colours[model%len(colours)]),
			ListPrice:  f.price + f.price/10,
			FlashPrice: f.price,
			Popularity: pop,
		})
	}
	// Lazada MY sells from two warehouses, a tenth of each SKU in the
	// second (see ChannelSpec.Warehouses), so that a seller's stock spread
	// over warehouses is played at launch scale.
	shares := []struct {
		id, kind, market, name string
		share                  float64
		warehouses             []string
	}{
		{"lazada-id", datasources.KindLazada, "ID", "Lazada ID", 0.40, nil},
		{"lazada-my", datasources.KindLazada, "MY", "Lazada MY", 0.15, []string{DefaultWarehouse, "MY-KL-01"}},
		{"akulaku-id", datasources.KindAkulaku, "ID", "Akulaku ID", 0.15, nil},
		{"micom-id", datasources.KindBrandstore, "ID", "mi.com ID", 0.30, nil},
	}
	var chans []ChannelSpec
	for _, c := range shares {
		peak := peakPerMinute * c.share
		orders := ExpectedOrders(peak, stockFor)
		units := orders * 1.15 // 15% of buyers take two
		alloc := make(map[string]int, len(skus))
		for _, k := range skus {
			// Demand's share plus a margin, less for the hottest products:
			// they sell out during the surge, as launches do.
			want := units * k.Popularity / totalPop
			margin := 1.5
			if k.Popularity > 0.5 {
				margin = 0.6
			}
			alloc[k.SKU] = int(math.Ceil(want*margin)) + 5
		}
		chans = append(chans, ChannelSpec{
			ID: c.id, Kind: c.kind, Market: c.market, Name: c.name, Allocated: alloc,
			PeakPerMinute: peak,
			// Buyers enough that the limit of two rarely turns one away.
			BuyerPool:  max(20000, int(orders*2)),
			Warehouses: c.warehouses,
		})
	}
	return Scenario{
		Seed: seed,
		Sale: SaleSpec{
			ID: "launch-1400", Name: "1,400-product launch",
			Start: start, End: start.Add(dur), PerBuyerLimit: 2,
		},
		SKUs:     skus,
		Channels: chans,
	}
}

// ExpectedOrders is about how many orders a channel with the given peak
// rate takes in a sale of length dur, if nothing sells out (the integral
// of Book.rate).
func ExpectedOrders(peakPerMinute float64, dur time.Duration) float64 {
	b := Book{spec: ChannelSpec{PeakPerMinute: peakPerMinute}}
	sum := 0.0
	for t := int64(0); t < dur.Milliseconds(); t += tick {
		sum += b.rate(t)
	}
	return sum
}
