package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/flashdeck/flashdeck/app/alerts"
	"github.com/flashdeck/flashdeck/app/format"
)

// alertKeep is how long an alert stays in the strip unless dismissed.
const alertKeep = 10 * time.Minute

// alertShown is how many alerts the strip shows at once (newest first).
const alertShown = 3

// AlertStrip is the in-app half of alerts: the latest events under the
// banner, each with its time, until dismissed or ten minutes old. The
// other half is the desktop notification.
type AlertStrip struct {
	box    *fyne.Container
	lines  []*widget.Label
	clear  *widget.Button
	recent []alerts.Alert // newest first
	// loc is the zone alert times are shown in: the sale's own.
	loc *time.Location
}

// NewAlertStrip makes an empty, hidden strip.
func NewAlertStrip() *AlertStrip {
	s := &AlertStrip{loc: time.Local}
	rows := container.NewVBox()
	for range alertShown {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		s.lines = append(s.lines, l)
		rows.Add(l)
	}
	s.clear = widget.NewButtonWithIcon("", theme.CancelIcon(), func() { s.recent = nil; s.render(time.Time{}) })
	s.clear.Importance = widget.LowImportance
	s.box = container.NewVBox(container.NewBorder(nil, nil, nil, container.NewVBox(s.clear), rows), widget.NewSeparator())
	s.box.Hide()
	return s
}

// Content is the strip's canvas object.
func (s *AlertStrip) Content() fyne.CanvasObject { return s.box }

// SetLocation sets the zone alert times are shown in.
func (s *AlertStrip) SetLocation(loc *time.Location) {
	if loc != nil {
		s.loc = loc
	}
}

// Add puts new alerts on top and drops old ones (now is the wall time).
// Only the alertShown newest are kept: an older alert could show again
// only once a newer one went, and a newer one is ten minutes old later.
// (At launch scale a snapshot can bring hundreds of alerts at once: put
// on top one by one, they cost a copy of the whole list each.)
func (s *AlertStrip) Add(now time.Time, as ...alerts.Alert) {
	recent := make([]alerts.Alert, 0, alertShown)
	for i := len(as) - 1; i >= 0 && len(recent) < alertShown; i-- {
		recent = append(recent, as[i])
	}
	for _, a := range s.recent {
		if len(recent) == alertShown {
			break
		}
		recent = append(recent, a)
	}
	s.recent = recent
	s.render(now)
}

// Lines returns the texts shown, newest first.
func (s *AlertStrip) Lines() []string {
	var out []string
	for _, l := range s.lines {
		if l.Visible() && l.Text != "" {
			out = append(out, l.Text)
		}
	}
	return out
}

func (s *AlertStrip) render(now time.Time) {
	keep := s.recent[:0]
	for _, a := range s.recent {
		if now.IsZero() || now.Sub(a.At) < alertKeep {
			keep = append(keep, a)
		}
	}
	s.recent = keep
	if len(s.recent) == 0 {
		s.box.Hide()
		return
	}
	for i, l := range s.lines {
		if i >= len(s.recent) {
			l.Hide()
			continue
		}
		a := s.recent[i]
		// A label set to what it shows is not measured and laid out again.
		if text, imp := format.ClockSec(a.At, s.loc)+"  "+a.Title+" — "+a.Body, alertImportance(a.Kind); l.Text != text || l.Importance != imp {
			l.Importance = imp
			l.SetText(text)
		}
		l.Show()
	}
	s.box.Show()
}

func alertImportance(k alerts.Kind) widget.Importance {
	switch k {
	case alerts.ChannelDown, alerts.OversellRisk:
		return widget.DangerImportance
	case alerts.ChannelRecovered:
		return widget.SuccessImportance
	case alerts.SoldOut:
		return widget.HighImportance
	}
	return widget.WarningImportance
}
