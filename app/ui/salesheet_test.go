package ui

import (
	"strings"
	"testing"

	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/salesheet"
)

func TestSheetSummary(t *testing.T) {
	snap := &engine.Snapshot{
		Channels: []engine.ChannelSnap{{ID: "lazada-id"}, {ID: "micom-id"}},
		Sales: []engine.SaleSnap{
			{ID: "other", Name: "Other", SKUs: []engine.SKUSnap{{SKU: "Z"}}},
			{ID: "launch", Name: "Launch", State: engine.SaleScheduled, SKUs: []engine.SKUSnap{
				{SKU: "A", FlashPrice: 100, Channels: []engine.CellSnap{{Channel: "lazada-id", Figures: engine.Figures{Allocated: 10}}}},
				{SKU: "B", FlashPrice: 100, Channels: []engine.CellSnap{{Channel: "lazada-id", Figures: engine.Figures{Allocated: 5}}}},
			}},
		},
	}
	in := "SKU,Flash price,lazada-id,micom-id\nA,2,12,0\nB,1,5,1000\nC,1,1,1\n"
	sh, err := salesheet.ParseCSV("promo.csv", strings.NewReader(in), sheetOptions(snap))
	if err != nil {
		t.Fatal(err)
	}
	id, text := sheetSummary(sh, snap)
	want := "promo.csv: 3 SKUs. Units: lazada-id 18 · micom-id 1,001.\n" +
		"Against Launch (scheduled, 2 SKUs): 1 added, 0 removed, 2 allocations changed, 1 flash price changed."
	if id != "launch" || text != want {
		t.Errorf("got %q\n%s\nwant launch\n%s", id, text, want)
	}
	if _, err := salesheet.ParseCSV("promo.csv", strings.NewReader("SKU,Flash price,lazada-id,shopee\nA,1,1,1\n"), sheetOptions(snap)); err == nil {
		t.Error("a channel the snapshot does not have was taken")
	} else if lines := sheetErrorLines(err); len(lines) != 1 || !strings.HasPrefix(lines[0], "promo.csv row 1, column shopee:") {
		t.Errorf("error lines: %q", lines)
	}
	if id, text := sheetSummary(sh, &engine.Snapshot{}); id != "" || !strings.Contains(text, "new sale") {
		t.Errorf("no sale shares a SKU: %q %q", id, text)
	}
}
