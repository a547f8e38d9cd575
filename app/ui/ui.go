// Package ui is flashdeck's Fyne desktop: screens that render engine
// snapshots. Screens never poll or compute: they show a snapshot, and the
// bridge hands them a new one on the UI goroutine.
package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/alerts"
	"github.com/flashdeck/flashdeck/app/check"
	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/i18n"
	"github.com/flashdeck/flashdeck/app/rules"
	"github.com/flashdeck/flashdeck/app/ui/launch"
	"github.com/flashdeck/flashdeck/icons"
)

// AppID is the application id (also in FyneApp.toml).
const AppID = "io.github.flashdeck"

// Source is where the screens get their snapshots and flagged orders: the
// engine in process, or a collector's stream (remote.Client).
type Source interface {
	Snapshot() *engine.Snapshot
	Subscribe() (<-chan *engine.Snapshot, func())
	Flags(sale string) []rules.Flag
}

// Run opens the dashboard and blocks until it is closed: on the collector
// in process, or on a remote one (o.Remote).
func Run(o launch.Options) error {
	// Before any screen is built: their texts are looked up as they are made.
	if _, err := i18n.Setup(o.Lang); err != nil {
		return err
	}
	if o.Remote != nil {
		return runRemote(o)
	}
	return runLocal(o)
}

// wiring is what a desktop reads and acts through, and what it connects
// once its screens exist: the part that differs between a collector in
// process and a remote one.
type wiring struct {
	src        Source
	svc        ActionService
	subActions func() (<-chan string, func())
	user       actions.User
	title      func(actions.User) string
	// connect runs once the screens and the bridge are up; ctx ends when
	// the window closes.
	connect func(ctx context.Context, d *Dashboard, w fyne.Window)
}

// runLocal opens the dashboard on the collector in process.
func runLocal(o launch.Options) error {
	c := o.Collector
	return open(o, wiring{
		src: c.Engine, svc: c.Actions, subActions: c.Actions.Subscribe,
		user: actions.DesktopUser(c.Config.Users, o.User),
		title: func(u actions.User) string {
			t := "flashdeck"
			if o.Demo != nil {
				t += lang.L(" — demo (simulated channels)")
			} else if c.Config.Path != "" {
				t += " — " + c.Config.Path
			}
			return t + fmt.Sprintf(" — %s (%s)", u.Name, lang.L(u.Role))
		},
		connect: func(ctx context.Context, d *Dashboard, _ fyne.Window) {
			// The pre-sale check, once at start and on "Run check again",
			// through the engine's own clients: its calls share each
			// channel's call budget with the polling.
			ck := &checker{ctx: ctx, view: d.channels.check, run: func(ctx context.Context) check.Report {
				return check.Run(ctx, c.Config, c.Sources, check.Options{Now: c.Now})
			}}
			d.channels.check.onRun = ck.start
			ck.start()
		},
	})
}

// runRemote opens the dashboard on a remote collector's stream and API.
func runRemote(o launch.Options) error {
	r := o.Remote
	u := r.User()
	// The room must see at a glance which collector a desktop reads and
	// as whom it acts.
	title := func(u actions.User) string {
		return fmt.Sprintf(lang.L("flashdeck — collector %s — %s (%s)"), r.Host(), u.Name, lang.L(u.Role))
	}
	return open(o, wiring{
		src: r, svc: r, subActions: r.SubscribeActions, user: u, title: title,
		connect: func(_ context.Context, d *Dashboard, w fyne.Window) {
			// The token's user is known once the collector answers, and
			// may change when the collector's config does.
			r.OnConnect(func(nu actions.User) {
				fyne.Do(func() {
					if nu != u {
						u = nu
						d.SetActions(r, u)
						w.SetTitle(title(u))
					}
				})
			})
			// The collector holds the credentials and checks the channels.
			d.channels.check.setRemote()
		},
	})
}

// open shows the dashboard wired as wr says and blocks until the window
// is closed (or o.Quit passes).
func open(o launch.Options, wr wiring) error {
	a := fyneapp.NewWithID(AppID)
	a.SetIcon(icons.AppIcon)
	w := a.NewWindow(wr.title(wr.user))
	d := NewDashboard(wr.src.Snapshot())
	d.skus.window = w
	d.flagged.window = w
	d.channels.check.window = w
	d.window = w
	d.SetActions(wr.svc, wr.user)
	w.SetContent(d.Content())
	w.SetMainMenu(d.menu())
	// F11 is the full-screen key people already know; Escape leaves the
	// wall, as it leaves any full-screen view.
	w.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF11}, func(fyne.Shortcut) { d.ToggleWall() })
	w.Canvas().SetOnTypedKey(func(k *fyne.KeyEvent) {
		if k.Name == fyne.KeyEscape && d.wallOn {
			d.ToggleWall()
		}
	})
	if o.Wall {
		d.ToggleWall()
	}
	d.SelectTab(o.Tab)
	w.Resize(fyne.NewSize(1280, 800))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	br := newBridge(wr.src, d.Apply, d.SetFlags)
	go br.run(ctx)
	startTimelines(ctx, d, o)
	wr.connect(ctx, d, w)
	sub, unsub := wr.subActions()
	// d.actions is replaced when the remote user changes: reload whichever
	// view is current.
	go watchActions(ctx, sub, unsub, func() { d.actions.Reload() })
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
	alerts   *AlertStrip
	detector *alerts.Detector
	// notify sends a desktop notification; replaced in tests.
	notify   func(title, body string)
	overview *Overview
	attn     *AttentionPanel
	skus     *SKUs
	channels *Channels
	flagged  *Flagged
	flagTab  *container.TabItem
	// flags is the flag list read last and flagsOpen its open flags;
	// flagsNew is set until the Flagged tab has it (SetFlags).
	flags     []rules.Flag
	flagsOpen int
	flagsNew  bool
	actions   *ActionsView
	actTab    *container.TabItem
	tabs      *container.AppTabs
	wall      *Wall
	wallOn    bool
	root      fyne.CanvasObject
	last      *engine.Snapshot
	// views are the tabs' screens, in the tabs' order, and whether each
	// missed the last snapshot while hidden (catchUp).
	views []tabView
	// window is the dashboard's window; nil in tests.
	window fyne.Window
	// report draws the sales' timelines and builds or fetches their
	// reports (timeline.go); nil until Run places them.
	report *timelines
	// goRun, when set, runs the Actions tab's slow work (reading the
	// audit trail, acting) instead of a goroutine: tests run it inline.
	goRun func(func())
}

// NewDashboard builds the screens, showing the first snapshot.
func NewDashboard(s *engine.Snapshot) *Dashboard {
	d := &Dashboard{banner: NewBanner(), alerts: NewAlertStrip(), detector: alerts.NewDetector(), wall: NewWall(), overview: NewOverview(), skus: NewSKUs(), channels: NewChannels(), flagged: NewFlagged()}
	d.attn = NewAttentionPanel(d.openTarget)
	d.flagTab = container.NewTabItem(lang.L("Flagged"), d.flagged.Content())
	d.actions = NewActionsView(nil, actions.User{Role: config.RoleViewer})
	d.actTab = container.NewTabItem(lang.L("Actions"), d.actions.Content())
	d.tabs = container.NewAppTabs(
		container.NewTabItem(lang.L("Overview"), placeAttention(d.overview.Content(), d.attn)),
		container.NewTabItem(lang.L("SKUs"), d.skus.Content()),
		container.NewTabItem(lang.L("Channels"), d.channels.Content()),
		d.flagTab,
		d.actTab,
	)
	d.notify = func(title, body string) {
		if a := fyne.CurrentApp(); a != nil {
			a.SendNotification(fyne.NewNotification(title, body))
		}
	}
	d.root = container.NewBorder(container.NewVBox(d.banner.Content(), d.alerts.Content()), nil, nil, nil, d.tabs)
	// In the tabs' order (tabNames); Actions is applied with every
	// snapshot (Apply).
	d.views = []tabView{{apply: d.overview.Apply}, {apply: d.skus.Apply}, {apply: d.channels.Apply}, {apply: d.flagged.Apply}, {apply: func(*engine.Snapshot) {}}}
	d.tabs.OnSelected = func(*container.TabItem) { d.catchUp() }
	d.Apply(s)
	// Every tab starts from the first snapshot, so that none is empty
	// when opened before the next one arrives.
	for i := range d.views {
		d.freshen(i)
	}
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
	// A channel going down or back, a SKU about to sell out or sold out:
	// a desktop notification (seen when the window is behind others) and a
	// line in the strip (seen by the room).
	news := d.detector.Next(s)
	for _, a := range news {
		d.notify(a.Title, a.Body)
	}
	if len(s.Sales) > 0 {
		d.alerts.SetLocation(saleLocation(s.Sales[0]))
	}
	d.alerts.Add(s.Wall, news...)
	// The Actions tab's rows feed the attention list: always applied
	// (it is small). The other tabs only when they show: at launch scale
	// the SKUs tab alone is 5,600 rows to rebuild and sort every second,
	// for a view a war-room desktop on the Overview or the wall never
	// shows. A tab that missed snapshots catches up when it is opened.
	d.actions.Apply(s)
	d.attn.Apply(s, d.actions.Rows())
	for i := range d.views {
		d.views[i].stale = true
	}
	d.catchUp()
	if d.flagsNew {
		d.setFlagTitle() // the list waits for its tab to open
	}
	if d.wallOn {
		d.wall.Apply(s)
		d.wall.SetAttention(d.attn.Items())
	}
}

// tabView is a tab's screen as Apply sees it: stale when it missed the
// last snapshot while hidden.
type tabView struct {
	apply func(*engine.Snapshot)
	stale bool
}

// catchUp applies the last snapshot to the tab showing, when it missed
// it. The tabs call it when one is opened.
func (d *Dashboard) catchUp() {
	if d.report != nil {
		// The timelines are on the Overview's cards and on the wall.
		d.report.setVisible(d.wallOn || d.tabs.SelectedIndex() == 0)
	}
	d.attn.setVisible(!d.wallOn && d.tabs.SelectedIndex() == 0)
	if d.report != nil {
		d.report.flush() // timelines read since the last snapshot
	}
	if !d.wallOn {
		d.freshen(d.tabs.SelectedIndex())
		if d.tabs.Selected() == d.flagTab {
			d.showFlags()
		}
	}
}

// freshen applies the last snapshot to tab i when it missed it: before
// the tab shows, or before something reads it while hidden (the SKUs
// export from the File menu).
func (d *Dashboard) freshen(i int) {
	if d.last == nil || i < 0 || i >= len(d.views) || !d.views[i].stale {
		return
	}
	d.views[i].stale = false
	d.views[i].apply(d.last)
}

// SetActions connects sale control for a user: the Actions tab, the
// Flagged view's Mark reviewed and Cancel order, and the SKUs table's Cap
// at allocation. Call on the UI goroutine.
func (d *Dashboard) SetActions(svc ActionService, u actions.User) {
	d.actions = NewActionsView(svc, u)
	if d.goRun != nil {
		d.actions.goRun = d.goRun
	}
	d.actions.window = d.window
	d.actTab.Content = d.actions.Content()
	d.flagged.act = d.actions.askRequest
	d.flagged.canAct = u.CanAct()
	d.flagged.refreshButtons()
	d.skus.act = d.actions.askRequest
	d.skus.canAct = u.CanAct()
	d.skus.refreshSelection()
	if d.last != nil {
		d.actions.Apply(d.last)
	}
	d.actions.Reload()
	d.tabs.Refresh()
}

// SetFlags shows a new list of flagged orders, and their open count in the
// tab's title. Call on the UI goroutine.
//
// The Flagged tab takes it at once when it shows; otherwise its title's
// count follows with the next snapshot (Apply), and the list when the tab
// is opened. The list is read between two snapshots: a hidden tab that
// took it at once refreshed a table no one saw, apart from the snapshot's
// own refresh, nearly every second of a launch's surge.
func (d *Dashboard) SetFlags(fs []rules.Flag) {
	d.flags, d.flagsOpen, d.flagsNew = fs, 0, true
	for i := range fs {
		if fs[i].State == rules.StateOpen {
			d.flagsOpen++
		}
	}
	if !d.wallOn && d.tabs.Selected() == d.flagTab {
		d.showFlags()
	}
}

// showFlags gives the Flagged tab the list read last, and its title the
// count of open flags.
func (d *Dashboard) showFlags() {
	if !d.flagsNew {
		return
	}
	d.flagsNew = false
	d.flagged.SetFlags(d.flags)
	d.setFlagTitle()
}

// setFlagTitle counts the open flags of the list read last in the Flagged
// tab's title.
func (d *Dashboard) setFlagTitle() {
	title := lang.L("Flagged")
	if d.flagsOpen > 0 {
		title = fmt.Sprintf(lang.L("Flagged (%d)"), d.flagsOpen)
	}
	if d.flagTab.Text != title {
		d.flagTab.Text = title
		d.tabs.Refresh()
	}
}

// ToggleWall switches between the tabs and the full-screen wall.
func (d *Dashboard) ToggleWall() {
	d.wallOn = !d.wallOn
	if d.wallOn && d.last != nil {
		d.wall.Apply(d.last)
		d.wall.SetAttention(d.attn.Items())
	}
	d.catchUp()
	if d.window == nil {
		return
	}
	if d.wallOn {
		d.window.SetContent(container.NewBorder(container.NewVBox(d.banner.Content(), d.alerts.Content()), nil, nil, nil, container.NewPadded(d.wall.Content())))
	} else {
		d.window.SetContent(d.Content())
	}
	d.window.SetFullScreen(d.wallOn)
}

// menu is the window's main menu.
func (d *Dashboard) menu() *fyne.MainMenu {
	return fyne.NewMainMenu(
		fyne.NewMenu(lang.L("File"),
			fyne.NewMenuItem(lang.L("Export SKUs as CSV…"), func() {
				d.freshen(slices.Index(tabNames, "skus"))
				d.skus.exportDialog()
			}),
			fyne.NewMenuItem(lang.L("Export overview as PNG…"), d.exportPNG),
			fyne.NewMenuItem(lang.L("Open sale sheet…"), d.openSaleSheet),
			fyne.NewMenuItem(lang.L("Sale report…"), d.saleReport),
		),
		fyne.NewMenu(lang.L("View"),
			fyne.NewMenuItem(lang.L("Wall mode (F11)"), d.ToggleWall),
		),
	)
}

// SelectTab opens a view by name ("overview", "skus", "channels",
// "flagged", "actions"); unknown names are ignored.
func (d *Dashboard) SelectTab(name string) {
	// By position, not by title: the titles are translated.
	if i := slices.Index(tabNames, strings.ToLower(name)); i >= 0 && i < len(d.tabs.Items) {
		d.tabs.SelectIndex(i)
	}
}

// tabNames are the views' names for --tab, in the tabs' order.
var tabNames = []string{"overview", "skus", "channels", "flagged", "actions"}

// zones caches time.LoadLocation, which reads the zone database from disk:
// every screen asks for the sale's zone on every snapshot.
var zones sync.Map // zone name → *time.Location, or nil when unknown

func saleLocation(s engine.SaleSnap) *time.Location {
	if s.TimeZone != "" && s.TimeZone != "Local" {
		v, ok := zones.Load(s.TimeZone)
		if !ok {
			loc, err := time.LoadLocation(s.TimeZone)
			if err != nil {
				loc = nil
			}
			v, _ = zones.LoadOrStore(s.TimeZone, loc)
		}
		if loc := v.(*time.Location); loc != nil {
			return loc
		}
	}
	return s.Start.Location()
}

// plural writes a count with its noun: "1 SKU", "1400 SKUs".
func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// key marks a literal as a translation key that is looked up later, where
// it is shown (lang.L of the variable): package-level tables are built
// before the language is picked. The translation test reads these too.
func key(s string) string { return s }

// Words that reach the screen from the domain's values and are looked up
// as they are shown (lang.L of the value): the sales' and channels' states,
// the actions' kinds and results, the stock statuses. Listed here so the
// translation test knows them as keys.
var _ = []string{
	key("scheduled"), key("live"), key("sold out"), key("ended"), key("active"), key("paused"),
	key("SCHEDULED"), key("LIVE"), key("SOLD OUT"), key("ENDED"),
	key("OK"), key("DEGRADED"), key("DOWN"), key("DISABLED"),
	key("pause"), key("resume"), key("extend"), key("cancel_order"), key("review_order"), key("cap_stock"),
	key("pending"), key("applied"), key("failed"), key("manual"), key("unknown"),
	key("open"), key("reviewed"), key("cancelled"), key("viewer"), key("operator"),
	key("no stock API"), key("not read yet"), key("stock read too old to judge"), key("paused by flashdeck"),
	key("matches"), key("in flight (orders not read yet)"), key("in flight"), key("oversell risk"), key("not selling"), key("channel offers fewer"),
}
