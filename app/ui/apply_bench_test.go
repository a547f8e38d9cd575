package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/flashdeck/flashdeck/app/engine"
)

// BenchmarkApplyLaunch is one second of a desktop at launch scale (1,400
// SKUs on 4 channels): the next snapshot applied to the dashboard, in a
// window, on the tab named (the others catch up when opened).
func BenchmarkApplyLaunch(b *testing.B) {
	for _, tab := range []string{"overview", "skus", "channels"} {
		b.Run(tab, func(b *testing.B) {
			test.NewTempApp(b)
			s := launchScaleSnapshot()
			d := NewDashboard(s)
			w := test.NewTempWindow(b, d.Content())
			w.Resize(fyne.NewSize(1366, 768))
			d.SelectTab(tab)
			snaps := [2]*engine.Snapshot{s, launchScaleSnapshot()}
			snaps[1].Wall = s.Wall.Add(time.Second)
			b.ResetTimer()
			for i := range b.N {
				d.Apply(snaps[i%2])
			}
		})
	}
}

// BenchmarkSelectSKURows: the SKUs tab's 5,600 launch rows filtered (no
// filter) and sorted again, as at every snapshot: by sell-through (the
// tab's default, where most rows tie and the SKU decides) and by rate.
func BenchmarkSelectSKURows(b *testing.B) {
	rows := buildSKURows(nil, launchScaleSnapshot())
	for _, col := range []int{colSellThrough, colRate} {
		b.Run(skuColumns[col].Title, func(b *testing.B) {
			var view []int
			b.ReportAllocs()
			for b.Loop() {
				view = selectSKURows(view, rows, skuQuery{SortCol: col, Desc: true})
			}
		})
	}
}

// BenchmarkBuildSKURows: the 5,600 launch rows built again from the next
// snapshot, as at every snapshot (their search texts and tie-break kept).
func BenchmarkBuildSKURows(b *testing.B) {
	s := launchScaleSnapshot()
	rows := buildSKURows(nil, s)
	b.ReportAllocs()
	for b.Loop() {
		rows = buildSKURows(rows, s)
	}
}
