package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/rules"
	"github.com/flashdeck/flashdeck/datasources"
)

// flaggedSale evaluates a small sale with a ring at one address across two
// channels and one order over the limit.
func flaggedSale() *rules.Sale {
	start := time.Date(2026, 11, 23, 14, 0, 0, 0, wib)
	s := rules.NewSale(rules.SaleSpec{
		ID: "poco", Start: start, End: start.Add(2 * time.Hour), SKUs: []string{"POCO-M3-464-BLK"},
		ChannelIDs: []string{"lazada-id", "micom-id"}, ChannelNames: []string{"Lazada ID", "mi.com ID"},
		Config: rules.Config{PerBuyerLimit: 2},
	}, []byte("0123456789abcdef0123456789abcdef"))
	order := func(id, buyer, line string, qty int, after time.Duration) *datasources.Order {
		at := start.Add(after)
		return &datasources.Order{ID: id, BuyerID: buyer, CreatedAt: at, UpdatedAt: at, Status: "pending",
			Address: datasources.Address{Line1: line, Line2: "RT 03/RW 05", City: "Jakarta Barat"},
			Items:   []datasources.Item{{SKU: "POCO-M3-464-BLK", Quantity: qty}}}
	}
	s.Observe(0, order("400001", "11111111", "Jl. Kebon Jeruk Raya No. 27", 2, time.Minute))
	s.Observe(1, order("500001", "22222222", "JALAN KEBON JERUK RAYA 27 BLOK C", 2, 70*time.Second))
	s.Observe(1, order("500002", "33333333", "Kebon Jeruk Raya, Jl., no.27A", 2, 80*time.Second))
	s.Observe(0, order("400009", "44444444", "Jl. Sudirman No. 1", 5, 10*time.Minute))
	return s
}

func TestFlaggedListsExplainsAndReviews(t *testing.T) {
	test.NewTempApp(t)
	d := NewDashboard(snapshot(false))
	w := test.NewTempWindow(t, d.Content())
	w.Resize(fyne.NewSize(1280, 800))
	rs := flaggedSale()
	// The view asks sale control for actions; here a request is recorded
	// and a review applied to the real evaluator, as the engine does.
	var asked []actions.Request
	d.flagged.canAct = true
	d.flagged.act = func(req actions.Request, reason string) {
		asked = append(asked, req)
		if req.Kind == actions.ReviewOrder {
			if _, err := rs.Review(req.Channels[0], req.OrderID, rules.Review{By: "ayu", At: time.Now(), Note: reason}); err != nil {
				t.Error(err)
			}
			d.SetFlags(rs.Flags())
		}
	}
	// Read while another tab shows: the title's count follows with the
	// next snapshot, the list when the tab is opened (one redraw a
	// snapshot, not a second one for a list no one sees).
	d.SetFlags(rs.Flags())
	if d.flagTab.Text != "Flagged" || len(d.flagged.Rows()) != 0 {
		t.Errorf("before the next snapshot: tab title %q, %d rows", d.flagTab.Text, len(d.flagged.Rows()))
	}
	d.Apply(snapshot(false))
	if d.flagTab.Text != "Flagged (4)" {
		t.Errorf("tab title %q", d.flagTab.Text)
	}
	if n := len(d.flagged.Rows()); n != 0 {
		t.Errorf("the hidden tab took the list: %d rows", n)
	}
	d.tabs.Select(d.flagTab)
	rows := d.flagged.Rows()
	if len(rows) != 4 {
		t.Fatalf("%d rows, want 4", len(rows))
	}
	for i := 1; i < len(rows); i++ {
		if rows[i].Score > rows[i-1].Score {
			t.Fatalf("rows not sorted by score: %d before %d", rows[i-1].Score, rows[i].Score)
		}
	}

	f := d.flagged
	if f.current() == nil || f.current().Key() != rows[0].Key() {
		t.Errorf("the view does not open on the highest score")
	}
	d.flagged.Select("lazada-id", "400001")
	if !f.detail.Visible() || !strings.Contains(f.title.Text, "Order 400001 on Lazada ID") {
		t.Fatalf("detail: %q (visible %v)", f.title.Text, f.detail.Visible())
	}
	var reasons []string
	for _, o := range f.reasons.Objects {
		reasons = append(reasons, o.(*widget.Label).Text)
	}
	all := strings.Join(reasons, "\n")
	if !strings.Contains(all, "Shared address: 3 accounts share one delivery point") || !strings.Contains(all, "(Lazada ID, mi.com ID)") || !strings.Contains(all, "Jigged address") {
		t.Errorf("reasons:\n%s", all)
	}
	if strings.Contains(all, "Kebon") || strings.Contains(f.meta.Text, "11111111") {
		t.Errorf("personal data shown unmasked:\n%s\n%s", all, f.meta.Text)
	}
	// The evidence lists the ring's other orders, on mi.com.
	if n, _ := f.evidence.Length(); n != 2 {
		t.Errorf("%d related orders, want 2", n)
	}
	if f.cancel.Disabled() || f.cancel.Tip() != cancelTip {
		t.Error("Cancel order must be enabled for an operator, and say what it does")
	}
	test.Tap(f.cancel)
	if len(asked) != 1 || asked[0].Kind != actions.CancelOrder || asked[0].OrderID != "400001" || asked[0].Channels[0] != "lazada-id" {
		t.Fatalf("cancel asked %+v", asked)
	}
	if f.review.Disabled() {
		t.Fatal("Mark reviewed is disabled on an open flag")
	}

	test.Tap(f.review)
	if len(asked) != 2 || asked[1].Kind != actions.ReviewOrder || asked[1].OrderID != "400001" {
		t.Fatalf("review asked %+v", asked)
	}
	if got := rs.Flags(); func() string {
		for _, x := range got {
			if x.OrderID == "400001" {
				return x.State
			}
		}
		return ""
	}() != rules.StateReviewed {
		t.Error("the review did not reach the evaluator")
	}
	if len(f.Rows()) != 3 || !f.review.Disabled() {
		t.Errorf("after review: %d open rows, button disabled %v", len(f.Rows()), f.review.Disabled())
	}
	if !strings.Contains(f.meta.Text, "Reviewed by ayu") {
		t.Errorf("meta after review: %q", f.meta.Text)
	}
	f.filter.SetSelected(flagsReviewed)
	if r := f.Rows(); len(r) != 1 || r[0].OrderID != "400001" {
		t.Errorf("reviewed filter: %+v", r)
	}
	d.SetFlags(rs.Flags())
	if d.flagTab.Text != "Flagged (3)" {
		t.Errorf("tab title after review %q", d.flagTab.Text)
	}
	d.SelectTab("flagged")
	if d.tabs.Selected() != d.flagTab {
		t.Error("SelectTab(\"flagged\") did not open the view")
	}
}
