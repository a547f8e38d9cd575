package ui

import (
	"context"
	"fmt"
	"io"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/format"
	"github.com/flashdeck/flashdeck/app/report"
	"github.com/flashdeck/flashdeck/app/timeline"
	"github.com/flashdeck/flashdeck/app/ui/launch"
	"github.com/flashdeck/flashdeck/widgets"
)

// timelineEvery is how often the timelines are rebuilt: they show minutes,
// and a rebuild reads the audit trail from the database.
const timelineEvery = 2 * time.Second

// Heights of the timelines: on a sale's card, and on the wall (read from
// across the room).
const (
	cardTimelineHeight = 220
	wallTimelineHeight = 300
)

// timelines keeps a timeline on each sale's card of the Overview, one on
// the wall (the sale the wall shows), and writes the sale report.
type timelines struct {
	d      *Dashboard
	eng    report.Engine
	acts   report.Audit
	now    func() time.Time
	bySale map[string]*widgets.Timeline
	wall   *widgets.Timeline
}

// startTimelines places the timelines and keeps them current until ctx
// ends. A desktop on a remote collector has no sale history to draw
// (the API serves the report, GET /api/v1/report); it shows none.
func startTimelines(ctx context.Context, d *Dashboard, o launch.Options) {
	if o.Collector == nil {
		return
	}
	t := newTimelines(d, o.Collector.Engine, o.Collector.Actions, o.Collector.Now)
	go t.run(ctx)
}

func newTimelines(d *Dashboard, eng report.Engine, acts report.Audit, now func() time.Time) *timelines {
	t := &timelines{d: d, eng: eng, acts: acts, now: now, bySale: map[string]*widgets.Timeline{}, wall: widgets.NewTimeline()}
	for id, c := range d.overview.cards {
		tl := widgets.NewTimeline()
		t.bySale[id] = tl
		if box, ok := c.root.Content.(*fyne.Container); ok {
			box.Add(widget.NewSeparator())
			box.Add(container.New(&minHeight{h: cardTimelineHeight}, tl))
		}
	}
	if box, ok := d.wall.root.(*fyne.Container); ok {
		box.Add(container.New(&minHeight{h: wallTimelineHeight}, t.wall))
	}
	d.report = t
	t.show(t.models())
	return t
}

func (t *timelines) run(ctx context.Context) {
	tick := time.NewTicker(timelineEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		ms := t.models()
		fyne.Do(func() { t.show(ms) })
	}
}

// models builds every sale's timeline (off the UI goroutine).
func (t *timelines) models() map[string]widgets.TimelineData {
	out := map[string]widgets.TimelineData{}
	snap := t.eng.Snapshot()
	for _, s := range snap.Sales {
		h, ok := t.eng.History(s.ID)
		if !ok {
			continue
		}
		acts, _ := t.acts.List(actions.Filter{Sale: s.ID}) // markers are missing until the audit reads
		m := timeline.Build(timeline.Input{History: h, Now: t.now(), Actions: acts, Flags: t.eng.Flags(s.ID)})
		out[s.ID] = TimelineData(m, saleLocation(s), s.Currency)
	}
	return out
}

// show hands the models to the widgets (on the UI goroutine).
func (t *timelines) show(ms map[string]widgets.TimelineData) {
	for id, tl := range t.bySale {
		if m, ok := ms[id]; ok {
			tl.SetData(m)
		}
	}
	if m, ok := ms[t.d.wall.Sale]; ok {
		t.wall.SetData(m)
	}
}

// TimelineData turns a sale's timeline into what the widget draws, its
// texts written for the sale's market and time zone.
func TimelineData(m timeline.Model, loc *time.Location, currency string) widgets.TimelineData {
	d := widgets.TimelineData{
		Minutes: m.Minutes, Now: m.Now,
		CumulativeMax:   float64(m.Allocated),
		CumulativeLabel: "sold / " + format.Count(m.Allocated, currency),
	}
	for _, s := range m.Channels {
		d.Series = append(d.Series, widgets.TimelineSeries{Name: s.Name, Values: s.PerMinute})
	}
	for _, v := range m.Sold {
		d.Cumulative = append(d.Cumulative, float64(v))
	}
	for _, v := range m.Flags {
		d.Flags = append(d.Flags, float64(v))
	}
	if n := len(m.Flags); n > 0 && m.Now > 0 {
		d.FlagsLabel = format.Count(m.Flags[min(m.Now, n)-1], currency) + " flagged"
	}
	for _, b := range m.Bands {
		d.Bands = append(d.Bands, widgets.TimelineBand{Lane: b.Channel, From: b.From, To: b.To, State: b.State})
	}
	for _, k := range m.Markers {
		mk := k
		if loc != nil {
			mk.At = k.At.In(loc)
		}
		d.Markers = append(d.Markers, widgets.TimelineMarker{Minute: k.Minute, Kind: k.Kind, Label: mk.Label()})
	}
	step := 60
	for _, s := range []int{15, 30, 60, 120, 180, 360, 720, 1440} {
		if m.Minutes/s <= 6 {
			step = s
			break
		}
	}
	for i := 0; i <= m.Minutes; i += step {
		at := m.Start.Add(time.Duration(i) * time.Minute)
		if loc != nil {
			at = at.In(loc)
		}
		d.Ticks = append(d.Ticks, widgets.TimelineTick{Minute: i, Label: at.Format("15:04")})
	}
	return d
}

// saleReport asks which sale (when there are several) and where to save
// its report, then writes it: File → Sale report….
func (d *Dashboard) saleReport() {
	if d.window == nil {
		return
	}
	t := d.report
	if t == nil {
		dialog.ShowInformation("Sale report", "This desktop reads a collector elsewhere: its report is at GET /api/v1/report?sale=ID on that collector, or run flashdeck report --config F there.", d.window)
		return
	}
	sales := t.eng.Snapshot().Sales
	if len(sales) == 0 {
		dialog.ShowInformation("Sale report", "No sale is configured.", d.window)
		return
	}
	save := func(id string) {
		saveFile(d.window, "flashdeck-report-"+id, ".html", func(w io.Writer) error {
			rep, err := report.Build(report.Source{Engine: t.eng, Actions: t.acts, Now: t.now}, id)
			if err != nil {
				return err
			}
			return report.WriteHTML(w, rep)
		})
	}
	if len(sales) == 1 {
		save(sales[0].ID)
		return
	}
	var names []string
	ids := map[string]string{}
	for _, s := range sales {
		n := fmt.Sprintf("%s (%s)", s.Name, s.ID)
		names = append(names, n)
		ids[n] = s.ID
	}
	pick := widget.NewSelect(names, nil)
	pick.SetSelectedIndex(0)
	dialog.ShowForm("Sale report", "Save…", "Cancel", []*widget.FormItem{widget.NewFormItem("Sale", pick)}, func(ok bool) {
		if ok {
			save(ids[pick.Selected])
		}
	}, d.window)
}
