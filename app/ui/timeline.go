package ui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/format"
	"github.com/flashdeck/flashdeck/app/i18n"
	"github.com/flashdeck/flashdeck/app/report"
	"github.com/flashdeck/flashdeck/app/timeline"
	"github.com/flashdeck/flashdeck/app/ui/launch"
	"github.com/flashdeck/flashdeck/widgets"
)

// How often the timelines are rebuilt: they show minutes, and a rebuild
// reads the audit trail from the database, or asks a remote collector.
const (
	timelineEvery       = 2 * time.Second
	remoteTimelineEvery = 5 * time.Second
)

// Heights of the timelines: on a sale's card, and on the wall (read from
// across the room).
const (
	cardTimelineHeight = 220
	wallTimelineHeight = 300
)

// timelines keeps a timeline on each sale's card of the Overview, one on
// the wall (the sale the wall shows), and writes the sale report.
type timelines struct {
	d        *Dashboard
	snapshot func() *engine.Snapshot
	// model builds or fetches a sale's timeline (off the UI goroutine).
	model func(ctx context.Context, sale string) (timeline.Model, bool)
	every time.Duration
	// reportHTML builds (in process) or fetches (from a remote collector)
	// a sale's report, off the UI goroutine.
	reportHTML func(ctx context.Context, sale string) ([]byte, error)
	bySale     map[string]*widgets.Timeline
	wall       *widgets.Timeline
	// hidden is set while neither the Overview nor the wall shows (the
	// timelines' only places): run neither builds nor fetches them then,
	// nor redraws the window for them. shown, sent to when they come
	// into view, asks run for them at once.
	hidden atomic.Bool
	shown  chan struct{}
	// pending are the timelines read and not yet shown: the next
	// snapshot's update shows them (flush), so that the window is drawn
	// once for both rather than once more for the timelines alone.
	pending atomic.Pointer[map[string]widgets.TimelineData]
}

// timelineRide is how long read timelines wait for a snapshot's update to
// show them with before they are shown by themselves (no snapshot came:
// a collector gone quiet, a sale over).
const timelineRide = 1500 * time.Millisecond

// startTimelines places the timelines and keeps them current until ctx
// ends: from the engine in process, or from a remote collector's
// /api/v1/timeline (the stream does not carry the history).
func startTimelines(ctx context.Context, d *Dashboard, o launch.Options) {
	if r := o.Remote; r != nil {
		t := placeTimelines(d, r.Snapshot, func(ctx context.Context, sale string) (timeline.Model, bool) {
			m, err := r.Timeline(ctx, sale)
			return m, err == nil
		})
		t.every = remoteTimelineEvery
		t.reportHTML = r.Report
		d.report = t
		go t.run(ctx)
		return
	}
	if o.Collector == nil {
		return
	}
	t := newTimelines(d, o.Collector.Engine, o.Collector.Actions, o.Collector.Now)
	go t.run(ctx)
}

// newTimelines places the timelines of the engine in process and shows
// them at once.
func newTimelines(d *Dashboard, eng report.Engine, acts report.Audit, now func() time.Time) *timelines {
	t := placeTimelines(d, eng.Snapshot, func(_ context.Context, sale string) (timeline.Model, bool) {
		h, ok := eng.History(sale)
		if !ok {
			return timeline.Model{}, false
		}
		as, _ := acts.List(actions.Filter{Sale: sale}) // markers are missing until the audit reads
		return timeline.Build(timeline.Input{History: h, Now: now(), Actions: as, Flags: eng.Flags(sale)}), true
	})
	t.reportHTML = func(_ context.Context, sale string) ([]byte, error) {
		rep, err := report.Build(report.Source{Engine: eng, Actions: acts, Now: now}, sale)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		err = report.WriteHTML(&buf, rep)
		return buf.Bytes(), err
	}
	d.report = t
	t.show(t.models(context.Background()))
	return t
}

// placeTimelines puts a timeline on each sale's card and one on the wall.
func placeTimelines(d *Dashboard, snapshot func() *engine.Snapshot, model func(context.Context, string) (timeline.Model, bool)) *timelines {
	t := &timelines{d: d, snapshot: snapshot, model: model, every: timelineEvery, bySale: map[string]*widgets.Timeline{}, wall: widgets.NewTimeline(),
		shown: make(chan struct{}, 1)}
	for id := range d.overview.cards {
		t.card(id)
	}
	if box, ok := d.wall.root.(*fyne.Container); ok {
		box.Add(container.New(&minHeight{h: wallTimelineHeight}, t.wall))
	}
	return t
}

func (t *timelines) run(ctx context.Context) {
	tick := time.NewTicker(t.every)
	defer tick.Stop()
	// ride shows read timelines that no snapshot came to show.
	ride := time.NewTimer(timelineRide)
	ride.Stop()
	defer ride.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ride.C:
			fyne.Do(t.flush)
			continue
		case <-tick.C:
		case <-t.shown:
		}
		if t.hidden.Load() {
			continue
		}
		ms := t.models(ctx)
		t.pending.Store(&ms)
		ride.Reset(timelineRide)
	}
}

// flush shows the timelines read since the last, if any (on the UI
// goroutine: Dashboard.Apply, or timelineRide after they were read).
func (t *timelines) flush() {
	if ms := t.pending.Swap(nil); ms != nil {
		t.show(*ms)
	}
}

// setVisible says whether a view with the timelines shows; call on the UI
// goroutine. Coming into view, they are read again at once.
func (t *timelines) setVisible(visible bool) {
	if t.hidden.Swap(!visible) && visible {
		select {
		case t.shown <- struct{}{}:
		default: // a read is already asked for
		}
	}
}

// models builds every sale's timeline (off the UI goroutine); a sale
// whose timeline cannot be had keeps the one shown.
func (t *timelines) models(ctx context.Context) map[string]widgets.TimelineData {
	out := map[string]widgets.TimelineData{}
	snap := t.snapshot()
	if snap == nil {
		return out
	}
	for _, s := range snap.Sales {
		if m, ok := t.model(ctx, s.ID); ok {
			out[s.ID] = TimelineData(m, saleLocation(s), s.Currency)
		}
	}
	return out
}

// show hands the models to the widgets (on the UI goroutine).
func (t *timelines) show(ms map[string]widgets.TimelineData) {
	for id, m := range ms {
		if tl := t.card(id); tl != nil {
			tl.SetData(m)
		}
	}
	if m, ok := ms[t.d.wall.Sale]; ok {
		t.wall.SetData(m)
	}
}

// card returns the timeline on a sale's card, placing it there the first
// time (a remote collector's sales come with its first snapshot); nil
// while the sale has no card.
func (t *timelines) card(sale string) *widgets.Timeline {
	if tl := t.bySale[sale]; tl != nil {
		return tl
	}
	c := t.d.overview.cards[sale]
	if c == nil {
		return nil
	}
	box, ok := c.root.Content.(*fyne.Container)
	if !ok {
		return nil
	}
	tl := widgets.NewTimeline()
	t.bySale[sale] = tl
	box.Add(widget.NewSeparator())
	box.Add(container.New(&minHeight{h: cardTimelineHeight}, tl))
	return tl
}

// TimelineData turns a sale's timeline into what the widget draws, its
// texts written for the sale's market and time zone.
func TimelineData(m timeline.Model, loc *time.Location, currency string) widgets.TimelineData {
	d := widgets.TimelineData{
		Minutes: m.Minutes, Now: m.Now,
		CumulativeMax:   float64(m.Allocated),
		CumulativeLabel: fmt.Sprintf(lang.L("sold / %s"), format.Count(m.Allocated, currency)),
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
		d.FlagsLabel = fmt.Sprintf(lang.L("%s flagged"), format.Count(m.Flags[min(m.Now, n)-1], currency))
	}
	for _, b := range m.Bands {
		d.Bands = append(d.Bands, widgets.TimelineBand{Lane: b.Channel, From: b.From, To: b.To, State: b.State})
	}
	for _, k := range m.Markers {
		mk := k
		if loc != nil {
			mk.At = k.At.In(loc)
		}
		d.Markers = append(d.Markers, widgets.TimelineMarker{Minute: k.Minute, Kind: k.Kind, Label: markerLabel(mk)})
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
// its report, then writes it: File → Sale report…. The report is built, or
// fetched from a remote collector, before the save dialog opens, off the
// UI goroutine.
func (d *Dashboard) saleReport() {
	if d.window == nil {
		return
	}
	t := d.report
	if t == nil || t.reportHTML == nil {
		dialog.ShowInformation(lang.L("Sale report"), lang.L("No sale history here: run flashdeck report --config F where the collector's database is."), d.window)
		return
	}
	var sales []engine.SaleSnap
	if s := t.snapshot(); s != nil {
		sales = s.Sales
	}
	if len(sales) == 0 {
		dialog.ShowInformation(lang.L("Sale report"), lang.L("No sale is configured."), d.window)
		return
	}
	win := d.window
	save := func(id string) {
		go func() {
			b, err := t.reportHTML(context.Background(), id)
			fyne.Do(func() {
				if err != nil {
					dialog.ShowError(fmt.Errorf("the report of %s: %w", id, err), win)
					return
				}
				saveFile(win, "flashdeck-report-"+id, ".html", func(w io.Writer) error {
					_, err := w.Write(b)
					return err
				})
			})
		}()
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
	dialog.ShowForm(lang.L("Sale report"), lang.L("Save…"), lang.L("Cancel"), []*widget.FormItem{widget.NewFormItem(lang.L("Sale"), pick)}, func(ok bool) {
		if ok {
			save(ids[pick.Selected])
		}
	}, win)
}

// markerLabel is a marker's hover text, as timeline.Marker.Label writes it,
// in the desktop's language: when, what, who and why.
func markerLabel(m timeline.Marker) string {
	what := i18n.Text(m.SummaryText, m.Summary)
	if what == "" {
		what = lang.L(m.Kind)
	}
	s := m.At.Format("15:04") + "  " + what
	if m.Who != "" {
		s += fmt.Sprintf(lang.L(" — by %s"), m.Who)
	}
	if m.Why != "" {
		s += ": " + m.Why
	}
	return s
}
