package ui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/flashdeck/flashdeck/app/attention"
	"github.com/flashdeck/flashdeck/app/engine"
)

// TestAttentionOnTheOverview: a channel down is on the Overview's list,
// and picking it opens the Channels tab; a listing opens its row in SKUs.
func TestAttentionOnTheOverview(t *testing.T) {
	test.NewTempApp(t)
	d := NewDashboard(snapshot(false))
	test.NewTempWindow(t, d.Content())
	if n := len(d.attn.Items()); n != 0 {
		t.Fatalf("a healthy sale lists %d items: %+v", n, d.attn.Items())
	}
	d.Apply(snapshot(true))
	items := d.attn.Items()
	if len(items) != 1 || items[0].Kind != attention.KindChannel || !strings.HasPrefix(items[0].Why, "Lazada ID is down for 40s: ") {
		t.Fatalf("items: %+v", items)
	}
	d.attn.list.Select(0)
	if got := d.tabs.Selected().Text; got != "Channels" {
		t.Errorf("picking a channel item opened %q", got)
	}
	// A listing: its SKU's rows in the SKUs table, the row picked.
	s := snapshot(false)
	s.Sales[0].SKUs = []engine.SKUSnap{{SKU: "POCO-M3", Name: "POCO M3", Figures: engine.Figures{Allocated: 10},
		Channels: []engine.CellSnap{{Channel: "lazada-id", Figures: engine.Figures{Allocated: 5}}, {Channel: "micom-id", Figures: engine.Figures{Allocated: 5}}}}}
	d.Apply(s)
	d.openTarget(attention.Target{Tab: attention.TabSKUs, Sale: "poco", SKU: "POCO-M3", Channel: "micom-id"})
	if got := d.tabs.Selected().Text; got != "SKUs" {
		t.Errorf("a listing opened %q", got)
	}
	if r := d.skus.selectedRow(); r == nil || r.SKU != "POCO-M3" || r.Channel != "micom-id" {
		t.Errorf("row picked: %+v", r)
	}
}

// TestAttentionDrawnWhenShown: while another tab shows, the attention list
// takes every snapshot (its items are current, for the wall) but is not
// drawn again; it is when the Overview opens.
func TestAttentionDrawnWhenShown(t *testing.T) {
	test.NewTempApp(t)
	d := NewDashboard(snapshot(false))
	test.NewTempWindow(t, d.Content())
	shown := func() string { // the list's labels
		var b strings.Builder
		walkRendered(d.attn.list, func(o fyne.CanvasObject) {
			if l, ok := o.(*widget.Label); ok {
				b.WriteString(l.Text + "\n")
			}
		})
		return b.String()
	}
	if got := shown(); !strings.Contains(got, "Nothing:") {
		t.Fatalf("a healthy sale's list shows %q", got)
	}
	d.SelectTab("skus")
	d.Apply(snapshot(true))
	if n := len(d.attn.Items()); n != 1 {
		t.Fatalf("%d items while the Overview is hidden, want the channel down", n)
	}
	if got := shown(); strings.Contains(got, "Lazada ID is down") {
		t.Errorf("the hidden list was drawn again: %q", got)
	}
	d.SelectTab("overview")
	if got := shown(); !strings.Contains(got, "Lazada ID is down") {
		t.Errorf("the Overview opened on %q, want the channel down", got)
	}
}

// TestAttentionOnTheWall: the wall shows the attention list's first lines
// while there is something to show, and nothing for a healthy sale.
func TestAttentionOnTheWall(t *testing.T) {
	test.NewTempApp(t)
	d := NewDashboard(snapshot(false))
	test.NewTempWindow(t, d.Content())
	d.ToggleWall()
	if d.wall.needs.Visible() {
		t.Fatalf("a healthy sale shows %q on the wall", d.wall.needs.Text)
	}
	d.Apply(snapshot(true))
	if !d.wall.needs.Visible() || !strings.Contains(d.wall.needs.Text, "Lazada ID is down") {
		t.Fatalf("wall shows %q (visible %v), want the channel down", d.wall.needs.Text, d.wall.needs.Visible())
	}
	d.Apply(snapshot(false))
	if d.wall.needs.Visible() {
		t.Errorf("the wall still shows %q once the channel is back", d.wall.needs.Text)
	}
	items := make([]attention.Item, 5)
	for i := range items {
		items[i].Why = fmt.Sprintf("item %d", i)
	}
	d.wall.SetAttention(items)
	if want := "• item 0\n• item 1\n• item 2\nand 2 more on the Overview"; d.wall.needs.Text != want {
		t.Errorf("five items: %q, want %q", d.wall.needs.Text, want)
	}
}
