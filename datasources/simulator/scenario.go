package simulator

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/flashdeck/flashdeck/internal/ascii"

	"github.com/flashdeck/flashdeck/datasources"
)

// Scenario is a simulated flash sale: what is sold, where, and how fast.
// The same scenario and seed always play the same orders.
type Scenario struct {
	Seed int64
	Sale SaleSpec
	SKUs []SKUSpec
	// Channels, each served in its own dialect.
	Channels []ChannelSpec
	// Plants are scripted orders: the abuse a rules engine should find,
	// and look-alike clean orders it should not flag. See Plant.
	Plants []Plant
}

// SaleSpec is the sale's identity and window.
type SaleSpec struct {
	ID            string
	Name          string
	Start, End    time.Time
	PerBuyerLimit int
}

// SKUSpec is one product in the sale.
type SKUSpec struct {
	SKU        string
	Name       string
	ListPrice  datasources.Money
	FlashPrice datasources.Money
	// Popularity weights how often buyers pick this SKU (relative).
	Popularity float64
}

// ChannelSpec is one simulated channel.
type ChannelSpec struct {
	ID     string // "lazada-id"
	Kind   string // datasources.KindLazada, KindAkulaku, KindBrandstore
	Market string // "ID"
	Name   string // "Lazada ID"
	// Allocated stock per SKU on this channel.
	Allocated map[string]int
	// PeakPerMinute is the order arrival rate at the height of the surge.
	PeakPerMinute float64
	// BuyerPool is how many distinct buyers shop here (default 20000).
	BuyerPool int
	// Warehouses are the seller's warehouse codes on a Lazada channel,
	// the default first (none: one, DefaultWarehouse). Each SKU's
	// allocation is split over them: every warehouse after the first
	// holds a tenth of it, the first the rest.
	Warehouses []string
}

// Validate checks the scenario is playable.
func (s *Scenario) Validate() error {
	if !s.Sale.End.After(s.Sale.Start) {
		return fmt.Errorf("simulator: sale %q ends before it starts", s.Sale.ID)
	}
	if len(s.SKUs) == 0 || len(s.Channels) == 0 {
		return fmt.Errorf("simulator: sale %q needs SKUs and channels", s.Sale.ID)
	}
	seen := map[string]bool{}
	var buyers uint64
	for _, c := range s.Channels {
		if c.ID == "" || seen[c.ID] {
			return fmt.Errorf("simulator: channel id %q empty or repeated", c.ID)
		}
		seen[c.ID] = true
		switch c.Kind {
		case datasources.KindLazada, datasources.KindAkulaku, datasources.KindBrandstore:
		default:
			return fmt.Errorf("simulator: channel %q has unknown kind %q", c.ID, c.Kind)
		}
		buyers += uint64(poolOf(c))
		for i, w := range c.Warehouses {
			if w == "" || slices.Index(c.Warehouses, w) != i {
				return fmt.Errorf("simulator: channel %q has warehouse code %q empty or repeated", c.ID, w)
			}
		}
	}
	if buyers > addressSpace {
		return fmt.Errorf("simulator: %d buyers over all channels, more than the %d distinct addresses", buyers, addressSpace)
	}
	skus := map[string]bool{}
	for _, k := range s.SKUs {
		skus[k.SKU] = true
	}
	for i, p := range s.Plants {
		// A plant's channel may be missing: tests keep only some channels.
		switch {
		case p.Channel == "" || p.Kind == "":
			return fmt.Errorf("simulator: plant %d needs a channel and a kind", i)
		case !skus[p.SKU]:
			return fmt.Errorf("simulator: plant %d sells %q, not in the sale", i, p.SKU)
		case p.Qty < 1 || p.Qty > math.MaxInt16:
			return fmt.Errorf("simulator: plant %d orders %d units", i, p.Qty)
		case p.At < 0:
			return fmt.Errorf("simulator: plant %d is placed before the sale opens", i)
		case !ascii.Digits(p.Buyer.ID):
			// Akulaku serves buyer ids as JSON numbers.
			return fmt.Errorf("simulator: plant %d has buyer id %q, not digits", i, p.Buyer.ID)
		}
	}
	return nil
}

// WIB is Western Indonesia Time, the demo sale's zone.
var WIB = time.FixedZone("WIB", 7*3600)

// DemoScenario is the built-in demo: a POCO/Xiaomi flash sale on Lazada ID,
// Akulaku ID and mi.com Indonesia that opened `opened` ago (sale time) at
// saleNow and runs for two hours. It carries planted scalper abuse and
// decoys (demo_plants.go); the truth lists which orders were planted.
func DemoScenario(saleNow time.Time, opened time.Duration, seed int64) Scenario {
	start := saleNow.Add(-opened).In(WIB).Truncate(time.Second)
	skus := []SKUSpec{
		{"POCO-M3-464-BLK", "POCO M3 4/64 Power Black", 219900000, 199900000, 10},
		{"POCO-M3-464-YLW", "POCO M3 4/64 POCO Yellow", 219900000, 199900000, 7},
		{"POCO-M3-4128-BLU", "POCO M3 4/128 Cool Blue", 249900000, 229900000, 6},
		{"POCO-X3-NFC-6128", "POCO X3 NFC 6/128 Shadow Gray", 349900000, 319900000, 5},
		{"POCO-X7-PRO-8256", "POCO X7 Pro 8/256 Black", 529900000, 479900000, 4},
		{"REDMI-9A-232-GRN", "Redmi 9A 2/32 Peacock Green", 129900000, 109900000, 6},
		{"REDMI-NOTE9-364", "Redmi Note 9 3/64 Midnight Gray", 219900000, 189900000, 4},
		{"MI-BAND-5-BLK", "Mi Smart Band 5 Black", 49900000, 39900000, 8},
		{"MI-PWRBANK-20K", "Mi Power Bank 3 20000mAh", 29900000, 24900000, 3},
		{"REDMI-AIRDOTS-2", "Redmi AirDots 2", 19900000, 14900000, 5},
	}
	alloc := func(scale float64) map[string]int {
		base := map[string]int{
			"POCO-M3-464-BLK": 500, "POCO-M3-464-YLW": 400, "POCO-M3-4128-BLU": 300,
			"POCO-X3-NFC-6128": 250, "POCO-X7-PRO-8256": 150, "REDMI-9A-232-GRN": 600,
			"REDMI-NOTE9-364": 300, "MI-BAND-5-BLK": 800, "MI-PWRBANK-20K": 400, "REDMI-AIRDOTS-2": 700,
		}
		out := make(map[string]int, len(base))
		for k, v := range base {
			out[k] = int(float64(v) * scale)
		}
		return out
	}
	return Scenario{
		Seed: seed,
		Sale: SaleSpec{
			ID: "poco-m3-launch", Name: "POCO M3 flash sale",
			Start: start, End: start.Add(2 * time.Hour), PerBuyerLimit: 2,
		},
		SKUs: skus,
		Channels: []ChannelSpec{
			{ID: "lazada-id", Kind: datasources.KindLazada, Market: "ID", Name: "Lazada ID", Allocated: alloc(1), PeakPerMinute: 400},
			{ID: "akulaku-id", Kind: datasources.KindAkulaku, Market: "ID", Name: "Akulaku ID", Allocated: alloc(0.4), PeakPerMinute: 120},
			{ID: "micom-id", Kind: datasources.KindBrandstore, Market: "ID", Name: "mi.com ID", Allocated: alloc(0.6), PeakPerMinute: 250},
		},
		// Scalper abuse for a rules engine to find, and decoys it must not
		// flag: see demo_plants.go.
		Plants: demoPlants(mostPopular(skus)),
	}
}
