package report

import (
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/format"
	"github.com/flashdeck/flashdeck/app/i18n"
	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/internal/plot"
)

//go:embed report.html.tmpl
var pageText string

// TopN is how many SKUs the report names as the best and the worst sellers
// before the whole list.
const TopN = 5

// view is what the template reads: the report with its texts formatted.
type view struct {
	*Report
	Image    template.URL
	Legend   []legendEntry
	Ticks    []tick
	Top, Low []Row
	SoldOut  time.Time // when the whole sale sold out (zero: it did not)
	Peak     float64   // the top of the units-per-minute scale
	loc      *time.Location
}

type legendEntry struct {
	Name  string
	Color template.CSS
	Line  bool // a line (a curve), not a block (a band)
}

type tick struct {
	Left  template.CSS
	Label string
}

// WriteHTML writes the report as one self-contained HTML page.
func WriteHTML(w io.Writer, r *Report) error {
	img, err := TimelinePNG(r.Timeline)
	if err != nil {
		return fmt.Errorf("report: drawing the timeline: %w", err)
	}
	loc := r.Timeline.Start.Location()
	if l, err := time.LoadLocation(r.Sale.TimeZone); err == nil && r.Sale.TimeZone != "" {
		loc = l
	}
	v := view{Report: r, loc: loc,
		// A data: URI built here from PNG bytes, never from input text.
		Image: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(img)), // #nosec G203
	}
	for i, c := range r.Timeline.Channels {
		v.Legend = append(v.Legend, legendEntry{Name: c.Name, Color: css(plot.SeriesColor(i)), Line: true})
	}
	v.Legend = append(v.Legend,
		legendEntry{Name: fmt.Sprintf(lang.L("sold (of %s allocated, grey line)"), format.Count(r.Timeline.Allocated, r.Sale.Currency)), Color: css(inkCumulative), Line: true},
		legendEntry{Name: lang.L("flagged orders"), Color: css(inkFlags), Line: true},
		legendEntry{Name: lang.L("down"), Color: css(inkDown)},
		legendEntry{Name: lang.L("degraded"), Color: css(inkDegraded)},
		legendEntry{Name: lang.L("pause"), Color: css(markerInk("pause"))},
		legendEntry{Name: lang.L("resume"), Color: css(markerInk("resume"))},
		legendEntry{Name: lang.L("extend"), Color: css(markerInk("extend"))},
	)
	m := r.Timeline
	step := max(m.Minutes/6, 1)
	for _, s := range []int{15, 30, 60, 120, 180, 240, 360, 720, 1440} {
		if m.Minutes/s <= 8 {
			step = s
			break
		}
	}
	for min := 0; min <= m.Minutes; min += step {
		pct := float64(min) / float64(max(m.Minutes, 1)) * 100
		v.Ticks = append(v.Ticks, tick{Left: template.CSS(fmt.Sprintf("%.2f%%", pct)), Label: m.Start.Add(time.Duration(min) * time.Minute).In(loc).Format("15:04")})
	}
	for _, c := range m.Channels {
		for _, u := range c.PerMinute[:min(m.Now, len(c.PerMinute))] {
			v.Peak = max(v.Peak, u)
		}
	}
	n := min(TopN, len(r.SKUs))
	v.Top = r.SKUs[:n]
	for i := len(r.SKUs) - 1; i >= 0 && len(v.Low) < n; i-- {
		v.Low = append(v.Low, r.SKUs[i])
	}
	for _, c := range r.Channels {
		if c.SoldOut.IsZero() {
			v.SoldOut = time.Time{}
			break
		}
		if c.SoldOut.After(v.SoldOut) {
			v.SoldOut = c.SoldOut
		}
	}
	return page.Execute(w, v)
}

func css(c interface{ RGBA() (r, g, b, a uint32) }) template.CSS {
	r, g, b, _ := c.RGBA()
	return template.CSS(fmt.Sprintf("#%02x%02x%02x", r>>8, g>>8, b>>8))
}

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"count": func(cur string, n int) string { return format.Count(n, cur) },
	"money": func(cur string, m datasources.Money) string { return format.Money(m, cur) },
	"pct":   func(cur string, f float64) string { return format.Percent(f, cur) },
	"rate":  func(cur string, perMin float64) string { return format.Rate(perMin, cur) },
	"dur": func(d time.Duration) string {
		d = d.Round(time.Second)
		if d < time.Minute {
			return fmt.Sprintf(lang.L("%d s"), int(d.Seconds()))
		}
		return fmt.Sprintf(lang.L("%d min %02d s"), int(d.Minutes()), int(d.Seconds())%60)
	},
	"clock": func(loc *time.Location, t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return format.ClockSec(t, loc)
	},
	"date": func(loc *time.Location, t time.Time) string {
		if format.Language() == "id" {
			return format.Date(t, loc) + " " + t.In(loc).Format("15:04")
		}
		return t.In(loc).Format("Mon 2 Jan 2006 15:04")
	},
	// t translates a text of the page (the key is its English text); the
	// translation test reads the template's {{t "…"}} for its keys. Texts
	// with figures are format strings filled by printf.
	"t": func(s string) string { return lang.L(s) },
	// state words a sale's state; each one a literal so the translation
	// test sees it.
	"state": func(s string) string {
		switch s {
		case "scheduled":
			return lang.L("scheduled")
		case "live":
			return lang.L("live")
		case "sold_out":
			return lang.L("sold out")
		case "ended":
			return lang.L("ended")
		}
		return s
	},
	// lang is the page's language for <html lang>.
	"lang": func() string {
		if format.Language() == "id" {
			return "id"
		}
		return "en"
	},
	// say writes a recorded text in the report's language; the English
	// words recorded beside it for a record older than texts.
	"say": i18n.Text,
	"results": func(a actions.Action) string {
		var parts []string
		for _, r := range a.Results {
			parts = append(parts, r.ChannelName+": "+lang.L(string(r.Result)))
		}
		return strings.Join(parts, "; ")
	},
	"saleTime": func(a actions.Action) time.Time {
		if !a.SaleAt.IsZero() {
			return a.SaleAt
		}
		return a.CreatedAt
	},
	"bar": func(f float64) template.CSS {
		return template.CSS(fmt.Sprintf("%.1f%%", min(max(f, 0), 1)*100))
	},
}).Parse(pageText))

// Loc is the sale's time zone, for the template.
func (v view) Loc() *time.Location { return v.loc }
