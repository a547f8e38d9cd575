package engine_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/engine"
)

// One sale that cannot be encoded never takes the snapshot of the others
// down: it is published as unpublishable, with why.
func TestEncodeSetsAsideOneSale(t *testing.T) {
	wib := time.FixedZone("WIB", 7*3600)
	end := time.Date(2026, 11, 23, 16, 0, 0, 0, wib)
	ok := engine.SaleSnap{ID: "ok", Name: "Good", End: end, State: engine.SaleLive,
		Channels: []engine.SaleChannelSnap{{Channel: "lazada-id", End: end}}}
	cases := []struct {
		name string
		bad  engine.SaleSnap
		why  string
	}{
		{"year 10000", engine.SaleSnap{ID: "far", Name: "Far", End: time.Date(9999, 12, 31, 23, 0, 0, 0, time.UTC).In(wib)}, "year outside of range"},
		{"NaN", engine.SaleSnap{ID: "nan", Name: "NaN", End: end, Figures: engine.Figures{Rate1m: math.NaN()}}, "unsupported value: NaN"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := &engine.Snapshot{At: end, Wall: time.Now(), Seq: 9, Sales: []engine.SaleSnap{ok, tc.bad}}
			b, problems, err := s.Encode()
			if err != nil {
				t.Fatal(err)
			}
			var got engine.Snapshot
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatalf("not one JSON document: %v", err)
			}
			if len(got.Sales) != 2 || !got.Sales[0].End.Equal(end) || len(got.Sales[0].Channels) != 1 {
				t.Errorf("the good sale: %+v", got.Sales)
			}
			if bad := got.Sales[1]; bad.ID != tc.bad.ID || bad.State != engine.SaleUnpublishable || !strings.Contains(bad.Error, tc.why) {
				t.Errorf("the bad sale: %+v", bad)
			}
			if len(problems) != 1 || !strings.Contains(problems[0], "sale "+tc.bad.ID+" cannot be published") {
				t.Errorf("problems: %q", problems)
			}
		})
	}
	s := &engine.Snapshot{Seq: 1, Sales: []engine.SaleSnap{ok}}
	if _, problems, err := s.Encode(); err != nil || problems != nil {
		t.Errorf("a good snapshot: %v %q", err, problems)
	}
}
