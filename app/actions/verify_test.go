package actions

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
)

// stock builds a by-stock reading from "SKU=sellable/reserved" words; a
// SKU written "SKU=sellable" has no reserve reported, one written
// "SKU@wh=sellable/reserved" adds a warehouse to the SKU.
func stock(words ...string) datasources.SaleControl {
	c := datasources.SaleControl{ByStock: true}
	at := map[string]int{}
	for _, w := range words {
		name, fig, _ := strings.Cut(w, "=")
		sku, wh, multi := strings.Cut(name, "@")
		var sell, res int
		hasRes := strings.Contains(fig, "/")
		if hasRes {
			fmt.Sscanf(fig, "%d/%d", &sell, &res)
		} else {
			fmt.Sscanf(fig, "%d", &sell)
		}
		i, ok := at[sku]
		if !ok {
			i = len(c.SKUs)
			at[sku] = i
			c.SKUs = append(c.SKUs, datasources.StockReading{SKU: sku})
		}
		r := &c.SKUs[i]
		r.Sellable += sell
		r.Reserved += res
		r.HasReserved = r.HasReserved || hasRes
		if multi {
			r.Warehouses = append(r.Warehouses, datasources.WarehouseStock{Code: wh, Sellable: sell, Reserved: res})
		}
	}
	return c
}

func words(rs []datasources.StockReading) string {
	var out []string
	for _, r := range rs {
		s := fmt.Sprintf("%s=%d", r.SKU, r.Sellable)
		for _, w := range r.Warehouses {
			s += fmt.Sprintf(" %s@%s=%d", r.SKU, w.Code, w.Sellable)
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

func TestJudgePause(t *testing.T) {
	tests := []struct {
		name                string
		before, after       datasources.SaleControl
		done, partial       bool
		contains, notExpect string
	}{
		{name: "every SKU at 0", before: stock("A=10/2", "B=5/0"), after: stock("A=0/3", "B=0/0"),
			done: true, contains: "2 SKUs at 0 sellable"},
		{name: "a gateway that ignored the field", before: stock("POCO-M3-464-BLK=212/5"), after: stock("POCO-M3-464-BLK=212/5"),
			contains: "POCO-M3-464-BLK still has 212 sellable (212 before the pause)", notExpect: "came back"},
		{name: "half the SKUs", before: stock("A=10/0", "B=5/0"), after: stock("A=0/0", "B=5/0"),
			partial: true, contains: "1 of 2 SKUs at 0 sellable; B still has 5 sellable"},
		{name: "units back from cancellations", before: stock("A=10/4"), after: stock("A=2/2"),
			contains: "came back from cancelled or unpaid orders"},
		{name: "a SKU gone from the read-back", before: stock("A=10/0", "B=1/0"), after: stock("A=0/0"),
			partial: true, contains: "B is missing from the read-back"},
		{name: "by state, paused", before: datasources.SaleControl{}, after: datasources.SaleControl{Paused: true},
			done: true, contains: "paused there"},
		{name: "by state, still selling", before: datasources.SaleControl{}, after: datasources.SaleControl{},
			contains: "still selling"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := judgePause(&tc.before, tc.after)
			if f.done != tc.done || f.partial != tc.partial {
				t.Errorf("done %v partial %v, want %v %v (%s)", f.done, f.partial, tc.done, tc.partial, f.words)
			}
			if !strings.Contains(f.words.String(), tc.contains) {
				t.Errorf("finding %q lacks %q", f.words, tc.contains)
			}
			if tc.notExpect != "" && strings.Contains(f.words.String(), tc.notExpect) {
				t.Errorf("finding %q says %q", f.words, tc.notExpect)
			}
		})
	}
}

func TestJudgeResume(t *testing.T) {
	tests := []struct {
		name            string
		pre, owed, post datasources.SaleControl
		done, partial   bool
		given           string
	}{
		// Sold out again within the read-back: the total (sellable +
		// reserved) still shows the 10 units given back.
		{name: "sold at once", pre: stock("A=1/5"), owed: stock("A=10"), post: stock("A=0/16"), done: true, given: "A"},
		{name: "not given", pre: stock("A=1/5"), owed: stock("A=10"), post: stock("A=1/5")},
		{name: "one of two", pre: stock("A=0/0", "B=0/0"), owed: stock("A=3", "B=4"), post: stock("A=3/0", "B=0/0"), partial: true, given: "A"},
		{name: "no reserve reported", pre: stock("A=1"), owed: stock("A=10"), post: stock("A=11"), done: true, given: "A"},
		{name: "nothing owed", pre: stock("A=0/0"), owed: datasources.SaleControl{ByStock: true}, post: stock("A=0/0"), done: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, given := judgeResume(&tc.pre, &tc.owed, tc.post)
			if f.done != tc.done || f.partial != tc.partial || strings.Join(given, ",") != tc.given {
				t.Errorf("done %v partial %v given %v, want %v %v %q (%s)", f.done, f.partial, given, tc.done, tc.partial, tc.given, f.words)
			}
		})
	}
}

func TestJudgeExtendComparesToTheMinute(t *testing.T) {
	until := time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)
	end := func(skus ...time.Time) datasources.SaleControl {
		c := datasources.SaleControl{ByStock: true}
		for i, e := range skus {
			c.SKUs = append(c.SKUs, datasources.StockReading{SKU: fmt.Sprint("S", i), SaleEnd: e})
			if c.End.IsZero() || e.Before(c.End) {
				c.End = e
			}
		}
		return c
	}
	tests := []struct {
		name          string
		after         datasources.SaleControl
		done, partial bool
	}{
		{"at the minute", end(until, until), true, false},
		{"seconds into the minute asked", end(until.Add(30 * time.Second)), true, false},
		{"a minute early", end(until.Add(-time.Minute)), false, false},
		{"one SKU moved", end(until, until.Add(-time.Hour)), false, true},
		{"no end read", datasources.SaleControl{}, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := judgeExtend(until, tc.after, time.UTC)
			if f.done != tc.done || f.partial != tc.partial {
				t.Errorf("done %v partial %v, want %v %v (%s)", f.done, f.partial, tc.done, tc.partial, f.words)
			}
		})
	}
}

func TestTakenByGivesBackNoUnitSoldBeforeThePauseLanded(t *testing.T) {
	tests := []struct {
		name          string
		before, after datasources.SaleControl
		want          string
	}{
		// 3 of the 10 read sold before the pause landed (reserve 2 → 5):
		// the total fell by 7, so 7 were taken, not 10.
		{"sold meanwhile", stock("A=10/2"), stock("A=0/5"), "A=7"},
		{"no reserve reported", stock("A=10"), stock("A=0"), "A=10"},
		{"still selling took nothing", stock("A=10/0", "B=4/0"), stock("A=10/0", "B=0/0"), "B=4"},
		{"per warehouse", stock("A@dropshipping=6/1", "A@MY-KL-01=4/0"), stock("A@dropshipping=0/2", "A@MY-KL-01=0/0"),
			"A=9 A@MY-KL-01=4 A@dropshipping=5"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := addOwed(datasources.SaleControl{}, takenBy(&tc.before, tc.after), 1)
			if w := words(got.SKUs); w != tc.want {
				t.Errorf("taken %s, want %s", w, tc.want)
			}
		})
	}
}

func TestOwedLedgerAddsAndGivesBack(t *testing.T) {
	var l datasources.SaleControl
	l = addOwed(l, stock("A=10", "B=5").SKUs, 1)
	// A second pause took 2 more of A (units that had come back).
	l = addOwed(l, stock("A=2").SKUs, 1)
	if w := words(l.SKUs); w != "A=12 B=5" {
		t.Fatalf("ledger %s", w)
	}
	// A resume gave B back: B leaves the ledger.
	l = addOwed(l, only(l, []string{"B"}), -1)
	if w := words(l.SKUs); w != "A=12" {
		t.Fatalf("after giving B back: %s", w)
	}
	if owedUnits(l) != 12 {
		t.Errorf("owed %d units", owedUnits(l))
	}
	l = addOwed(l, only(l, []string{"A"}), -1)
	if len(l.SKUs) != 0 {
		t.Errorf("a ledger given back in full still owes %s", words(l.SKUs))
	}
}
