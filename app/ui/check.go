package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/flashdeck/flashdeck/app/check"
	"github.com/flashdeck/flashdeck/app/format"
	"github.com/flashdeck/flashdeck/app/i18n"
)

// checkView is the pre-sale check in the Channels tab: a bar on top with
// the verdict, "Check details…" (the whole text report in a dialog: the app
// has no tooltips) and "Run check again", and one line per channel row
// ("Check: 4/4 ok", or the first failure in words). Every method runs on
// the UI goroutine; the check itself runs in the background (checker, in
// bridge.go) and hands its report here.
type checkView struct {
	status  *widget.Label
	details *widget.Button
	again   *widget.Button
	bar     *fyne.Container
	// lines are the per-channel lines, by channel id; a row made after a
	// report arrived gets its line from report.
	lines   map[string]*widget.Label
	report  *check.Report
	running bool
	// remote: a --remote desktop calls no channel; the collector checks.
	remote bool
	// onRun starts a check in the background; nil until the desktop
	// connects one (the bar stays hidden until then).
	onRun func()
	// window shows the details dialog; nil in tests.
	window fyne.Window
}

func newCheckView() *checkView {
	v := &checkView{status: widget.NewLabel(""), lines: map[string]*widget.Label{}}
	v.status.Truncation = fyne.TextTruncateEllipsis
	v.status.TextStyle.Bold = true
	v.details = widget.NewButtonWithIcon(lang.L("Check details…"), theme.InfoIcon(), v.showDetails)
	v.again = widget.NewButtonWithIcon(lang.L("Run check again"), theme.ViewRefreshIcon(), func() {
		if v.onRun != nil && !v.running {
			v.onRun()
		}
	})
	v.bar = container.NewVBox(
		container.NewBorder(nil, nil, nil, container.NewHBox(v.details, v.again), v.status),
		widget.NewSeparator())
	v.bar.Hide()
	v.refresh()
	return v
}

// line is the per-channel check line of a row, made with the row.
func (v *checkView) line(channel string) *widget.Label {
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	v.lines[channel] = l
	v.applyLine(channel, l)
	return l
}

// setRunning says a check is under way.
func (v *checkView) setRunning() {
	v.running = true
	v.bar.Show()
	v.refresh()
}

// setReport shows a finished check.
func (v *checkView) setReport(r check.Report) {
	v.running = false
	v.report = &r
	v.bar.Show()
	v.refresh()
}

// setRemote says the collector, not this desktop, checks the channels.
func (v *checkView) setRemote() {
	v.remote = true
	v.bar.Show()
	v.refresh()
}

func (v *checkView) refresh() {
	switch {
	case v.remote:
		v.status.SetText(lang.L("Pre-sale check: done on the collector (flashdeck check there); this desktop calls no channel"))
		v.status.Importance = widget.LowImportance
		v.details.Hide()
		v.again.Hide()
	case v.running:
		v.status.SetText(lang.L("Pre-sale check: reading every channel (read-only)…"))
		v.status.Importance = widget.MediumImportance
		v.again.Disable()
	case v.report != nil:
		r := v.report
		v.status.SetText(fmt.Sprintf(lang.L("Pre-sale check at %s: %s"), format.ClockSec(r.At, r.Location()), i18n.Text(r.SummaryText, r.Summary)))
		v.status.Importance = widget.SuccessImportance
		if !r.OK {
			v.status.Importance = widget.DangerImportance
		}
		v.again.Enable()
	default:
		v.status.SetText(lang.L("Pre-sale check: not run yet"))
		v.status.Importance = widget.LowImportance
	}
	if v.report == nil {
		v.details.Disable()
	} else {
		v.details.Enable()
	}
	v.status.Refresh()
	for id, l := range v.lines {
		v.applyLine(id, l)
	}
}

// applyLine writes one channel's line: hidden until a check ran (and on a
// remote desktop), then its result in a few words.
func (v *checkView) applyLine(channel string, l *widget.Label) {
	var c *check.Channel
	if v.report != nil && !v.remote {
		for i := range v.report.Channels {
			if v.report.Channels[i].ID == channel {
				c = &v.report.Channels[i]
			}
		}
	}
	if c == nil {
		if v.running && !v.remote && v.onRun != nil {
			l.SetText(lang.L("Check: running…"))
			l.Importance = widget.LowImportance
			l.Show()
			l.Refresh()
			return
		}
		l.Hide()
		return
	}
	text := i18n.Text(c.ShortText(), c.Short())
	if v.running {
		text += lang.L(" (checking again…)")
	}
	l.SetText(text)
	switch {
	case c.Status == check.Failed:
		l.Importance = widget.DangerImportance
	case c.Status == check.Skipped:
		l.Importance = widget.LowImportance
	case hasWarnings(c):
		l.Importance = widget.WarningImportance
	default:
		l.Importance = widget.SuccessImportance
	}
	l.Show()
	l.Refresh()
}

func hasWarnings(c *check.Channel) bool {
	for _, s := range c.Steps {
		if len(s.Warnings) > 0 {
			return true
		}
	}
	return false
}

// detailsText is the whole report as the dialog shows it.
func (v *checkView) detailsText() string {
	if v.report == nil {
		return ""
	}
	return v.report.Text()
}

// showDetails opens the text report, every step of every channel with
// its reason, in a dialog sized for a 1366×768 screen.
func (v *checkView) showDetails() {
	if v.report == nil || v.window == nil {
		return
	}
	txt := widget.NewLabel(v.detailsText())
	txt.TextStyle.Monospace = true
	scroll := container.NewScroll(txt)
	scroll.SetMinSize(fyne.NewSize(940, 520))
	dialog.NewCustom(lang.L("Pre-sale check"), lang.L("Close"), scroll, v.window).Show()
}
