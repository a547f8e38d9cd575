// Package timeline builds the model of a sale's timeline: units per minute
// per channel over the whole sale, sold against allocated, the minutes a
// channel was down or degraded, every action taken and the flags' rise.
// The desktop's timeline widget and the post-sale report both draw it. It
// never imports Fyne.
package timeline

import (
	"slices"
	"strings"
	"time"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/rules"
	"github.com/flashdeck/flashdeck/app/text"
)

// Model is a sale's timeline, minute by minute from its start. Minute i
// covers [Start+i min, Start+i+1 min).
type Model struct {
	Sale       string
	Start, End time.Time
	// Minutes is the length of the axis: the whole sale (to its latest
	// end), at least one minute.
	Minutes int
	// Now is the minute the sale has reached (Minutes once it ended).
	Now       int
	Channels  []Series
	Allocated int
	// Sold[i] is the units sold by the end of minute i, every channel.
	Sold []int
	// Flags[i] is the orders flagged by the end of minute i (by their
	// creation time).
	Flags   []int
	Bands   []Band
	Markers []Marker
}

// Series is one channel's units per minute.
type Series struct {
	ID, Name  string
	PerMinute []float64 // len Minutes
	Allocated int
}

// Band kinds: the health a channel was in, by the engine's names.
const (
	BandDown     = engine.StateDown
	BandDegraded = engine.StateDegraded
)

// Band is a run of minutes [From, To) during which a channel was down or
// degraded.
type Band struct {
	Channel  int // index in Model.Channels
	From, To int
	State    string
	// Since and Until are the exact times; Until is zero while it lasts.
	Since, Until time.Time
	Why          string
}

// Marker is one action, at the minute it was taken.
type Marker struct {
	Minute int
	At     time.Time
	Kind   string
	// Who took it (the user, and the name they gave), Why their reason.
	Who, Why string
	Summary  string
	// SummaryText is Summary as a text (app/text) for the screens.
	SummaryText text.Text
}

// Label is the marker's hover text: what, who and why.
func (m Marker) Label() string {
	var b strings.Builder
	b.WriteString(m.At.Format("15:04"))
	b.WriteString("  ")
	if m.Summary != "" {
		b.WriteString(m.Summary)
	} else {
		b.WriteString(m.Kind)
	}
	if m.Who != "" {
		b.WriteString(" — by " + m.Who)
	}
	if m.Why != "" {
		b.WriteString(": " + m.Why)
	}
	return b.String()
}

// Input is what a timeline is built from.
type Input struct {
	History engine.SaleHistory
	// Now is the sale clock's time (the zero time: the sale's end).
	Now     time.Time
	Actions []actions.Action
	Flags   []rules.Flag
}

// Build builds the model of a sale's timeline. Actions of other sales are
// left out, and so are order reviews (a flag's fate, not the sale's).
func Build(in Input) Model {
	h := in.History
	m := Model{Sale: h.ID, Start: h.Start, End: h.End}
	m.Minutes = max(minuteOf(h.Start, h.End), 1)
	if h.End.Sub(h.Start)%time.Minute != 0 {
		m.Minutes++
	}
	// Minutes sold after the configured end (an extension not yet seen)
	// still show.
	for _, c := range h.Channels {
		m.Minutes = max(m.Minutes, len(c.PerMinute))
	}
	m.Now = m.Minutes
	if !in.Now.IsZero() && in.Now.Before(h.End) {
		m.Now = min(max(minuteOf(h.Start, in.Now)+1, 0), m.Minutes)
	}
	m.Sold = make([]int, m.Minutes)
	for ci, c := range h.Channels {
		s := Series{ID: c.ID, Name: c.Name, Allocated: c.Allocated, PerMinute: make([]float64, m.Minutes)}
		for i, u := range c.PerMinute {
			s.PerMinute[i] = float64(u)
			m.Sold[i] += int(u)
		}
		m.Allocated += c.Allocated
		m.Channels = append(m.Channels, s)
		m.Bands = append(m.Bands, bands(ci, c, h.Start, h.End, m.Minutes)...)
	}
	for i := 1; i < len(m.Sold); i++ {
		m.Sold[i] += m.Sold[i-1]
	}
	m.Flags = make([]int, m.Minutes)
	for _, f := range in.Flags {
		if f.Sale != "" && f.Sale != h.ID {
			continue
		}
		if i := minuteOf(h.Start, f.CreatedAt); i >= 0 && i < m.Minutes {
			m.Flags[i]++
		}
	}
	for i := 1; i < len(m.Flags); i++ {
		m.Flags[i] += m.Flags[i-1]
	}
	for _, a := range in.Actions {
		if a.Sale != h.ID || a.Kind == actions.ReviewOrder {
			continue
		}
		who := a.User
		if a.By != "" && a.By != a.User {
			who += " (" + a.By + ")"
		}
		at := a.SaleAt
		if at.IsZero() {
			at = a.CreatedAt
		}
		i := min(max(minuteOf(h.Start, at), 0), m.Minutes-1)
		m.Markers = append(m.Markers, Marker{Minute: i, At: at.In(h.Start.Location()), Kind: string(a.Kind), Who: who, Why: a.Reason, Summary: a.Summary, SummaryText: a.SummaryText})
	}
	slices.SortStableFunc(m.Markers, func(a, b Marker) int { return a.At.Compare(b.At) })
	return m
}

// bands turns a channel's health changes into the runs of minutes it was
// down or degraded within the sale.
func bands(ci int, c engine.ChannelHistory, start, end time.Time, minutes int) []Band {
	var out []Band
	for i, h := range c.Health {
		if h.State != BandDown && h.State != BandDegraded {
			continue
		}
		var until time.Time
		if i+1 < len(c.Health) {
			until = c.Health[i+1].At
		}
		if !until.IsZero() && (!until.After(start) || !until.After(h.At)) || h.At.After(end) {
			continue
		}
		from := max(minuteOf(start, h.At), 0)
		to := minutes
		if !until.IsZero() {
			to = min(minuteOf(start, until.Add(-time.Millisecond))+1, minutes)
		}
		if to <= from {
			continue
		}
		// A degraded spell that turned into an outage is one band of each.
		out = append(out, Band{Channel: ci, From: from, To: to, State: h.State, Since: h.At, Until: until, Why: h.Error})
	}
	return out
}

// minuteOf is the minute of the sale t falls in (negative before it).
func minuteOf(start, t time.Time) int {
	d := t.Sub(start)
	i := int(d / time.Minute)
	if d < 0 && d%time.Minute != 0 {
		i--
	}
	return i
}
