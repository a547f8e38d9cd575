// Package ui is flashdeck's Fyne desktop: screens that render engine
// snapshots. Screens never poll or compute: they show a snapshot, and the
// bridge hands them a new one on the UI goroutine.
package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"

	"github.com/flashdeck/flashdeck/app/cli"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/icons"
)

// AppID is the application id (also in FyneApp.toml).
const AppID = "io.github.flashdeck"

// Run opens the dashboard and blocks until it is closed.
func Run(o cli.DesktopOptions) error {
	a := fyneapp.NewWithID(AppID)
	a.SetIcon(icons.AppIcon)
	title := "flashdeck"
	if o.Demo != nil {
		title += " — demo (simulated channels)"
	} else if o.Collector.Config.Path != "" {
		title += " — " + o.Collector.Config.Path
	}
	w := a.NewWindow(title)
	d := NewDashboard(o.Collector.Engine.Snapshot())
	w.SetContent(d.Content())
	d.SelectTab(o.Tab)
	w.Resize(fyne.NewSize(1280, 800))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	br := newBridge(o.Collector.Engine, d.Apply)
	go br.run(ctx)
	if o.Quit > 0 {
		go func() {
			select {
			case <-time.After(o.Quit):
				o.Logger.Info("quitting as asked", "after", o.Quit)
				fyne.Do(a.Quit)
			case <-ctx.Done():
			}
		}()
	}
	w.SetMaster()
	w.ShowAndRun()
	return nil
}

// Dashboard is the whole window content: banner, overview and channels.
type Dashboard struct {
	banner   *Banner
	overview *Overview
	channels *Channels
	tabs     *container.AppTabs
	root     fyne.CanvasObject
	last     *engine.Snapshot
}

// NewDashboard builds the screens, showing the first snapshot.
func NewDashboard(s *engine.Snapshot) *Dashboard {
	d := &Dashboard{banner: NewBanner(), overview: NewOverview(), channels: NewChannels()}
	d.tabs = container.NewAppTabs(
		container.NewTabItem("Overview", d.overview.Content()),
		container.NewTabItem("Channels", d.channels.Content()),
	)
	d.root = container.NewBorder(d.banner.Content(), nil, nil, nil, d.tabs)
	d.Apply(s)
	return d
}

// Content is the window's content.
func (d *Dashboard) Content() fyne.CanvasObject { return d.root }

// Apply shows a snapshot. Call on the UI goroutine.
func (d *Dashboard) Apply(s *engine.Snapshot) {
	if s == nil {
		return
	}
	d.last = s
	d.banner.Apply(s)
	d.overview.Apply(s)
	d.channels.Apply(s)
}

// SelectTab opens a view by name ("overview", "channels"); unknown names are ignored.
func (d *Dashboard) SelectTab(name string) {
	for _, it := range d.tabs.Items {
		if strings.EqualFold(it.Text, name) {
			d.tabs.Select(it)
		}
	}
}

func saleLocation(s engine.SaleSnap) *time.Location {
	if loc, err := time.LoadLocation(s.TimeZone); err == nil && s.TimeZone != "" && s.TimeZone != "Local" {
		return loc
	}
	return s.Start.Location()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
