package ui

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/format"
	"github.com/flashdeck/flashdeck/app/i18n"
	"github.com/flashdeck/flashdeck/widgets"
)

// ActionService is what the screens ask of sale control: the actions
// service in local mode.
type ActionService interface {
	Plan(actions.Request) (actions.Action, error)
	Submit(context.Context, actions.User, actions.Request) (actions.Action, error)
	Retry(context.Context, actions.User, string) (actions.Action, error)
	ConfirmManual(actions.User, string, string) (actions.Action, error)
	List(actions.Filter) ([]actions.Action, error)
}

// viewerTip says why a viewer's buttons are disabled.
var viewerTip = key("Your role is viewer: you see everything and can act on nothing. An operator can (config users).")

// extendChoices are the extensions offered, as "by" durations.
var extendChoices = []struct{ label, by string }{
	{key("+15 min"), "15m"}, {key("+30 min"), "30m"}, {key("+1 h"), "1h"}, {key("+2 h"), "2h"},
}

// ActionsView is the Actions tab: pause, resume and extend a sale on the
// channels picked, with a confirmation that states the effect per channel
// and a required reason; the progress of the last action per channel;
// and the audit trail, filterable and exportable to CSV.
type ActionsView struct {
	svc  ActionService
	user actions.User

	sale     *widget.Label
	who      *widget.Label
	chans    *widget.CheckGroup
	chState  *widget.Label
	extendBy *widget.Select
	pause    *widgets.TipButton
	resume   *widgets.TipButton
	extend   *widgets.TipButton

	current  *widget.Label
	progress *fyne.Container
	retry    *widgets.TipButton

	filter *widget.Entry
	// filterWait is how long typing in the filter must pause before the
	// audit trail is read again (0: at once); filterTimer waits it.
	filterWait  time.Duration
	filterTimer *time.Timer
	// querying is set while the audit trail is read off the UI goroutine;
	// requery asks for one more read when it ends (a newer filter, or a
	// newer action, came meanwhile: the latest wins).
	querying, requery bool
	audit             *table[*actions.Action]
	export            *widget.Button
	list              []actions.Action
	shown             string // id of the action in the progress pane
	// sending is the idempotency key of the action being submitted: its
	// record is shown, channel by channel, as soon as the audit has it.
	sending string

	root   fyne.CanvasObject
	saleID string
	// picker chooses the sale the buttons act on (shown with more than
	// one); saleNames names every sale in the confirmation.
	picker    *salePicker
	saleNames map[string]string
	last      *engine.Snapshot
	applying  bool              // inside Apply, which follows the picker itself
	names     map[string]string // channel id → name, from the snapshot
	ids       []string          // channel ids of the sale, in order
	loc       *time.Location

	// window hosts the dialogs; nil in tests.
	window fyne.Window
	// confirm asks the manager to confirm a planned action and give a
	// reason; the test replaces it.
	confirm func(plan actions.Action, reason string, ok func(reason string))
	// goRun runs the slow part of an action off the UI goroutine; tests
	// run it inline.
	goRun func(func())
	// reload reads the audit trail again (after an action changed).
	onError func(error)
}

// NewActionsView builds the tab for a user. svc nil shows it read-only.
func NewActionsView(svc ActionService, u actions.User) *ActionsView {
	v := &ActionsView{svc: svc, user: u, names: map[string]string{}, saleNames: map[string]string{}, loc: time.Local, filterWait: 250 * time.Millisecond}
	v.picker = newSalePicker(false, func(string) {
		if v.last != nil && !v.applying {
			v.chans.Options = nil // the sale's channels, all ticked again
			v.Apply(v.last)
		}
	})
	v.goRun = func(f func()) { go f() }
	v.confirm = v.confirmDialog
	v.onError = func(err error) {
		if v.window != nil {
			dialog.ShowError(err, v.window)
		}
	}
	v.sale = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.who = widget.NewLabel(fmt.Sprintf(lang.L("Acting as %s (%s)"), u.Name, lang.L(u.Role)))
	v.chans = widget.NewCheckGroup(nil, nil)
	v.chans.Horizontal = true
	v.chState = widget.NewLabel("")
	v.chState.Wrapping = fyne.TextWrapWord
	labels := make([]string, len(extendChoices))
	for i, c := range extendChoices {
		labels[i] = lang.L(c.label)
	}
	v.extendBy = widget.NewSelect(labels, nil)
	v.extendBy.SetSelected(lang.L("+1 h"))
	v.pause = widgets.NewTipButton(lang.L("Pause"), func() { v.ask(actions.Pause) }, "")
	v.pause.SetIcon(theme.MediaPauseIcon())
	v.resume = widgets.NewTipButton(lang.L("Resume"), func() { v.ask(actions.Resume) }, "")
	v.resume.SetIcon(theme.MediaPlayIcon())
	v.extend = widgets.NewTipButton(lang.L("Extend"), func() { v.ask(actions.Extend) }, "")
	v.extend.SetIcon(theme.HistoryIcon())
	v.pause.Importance = widget.DangerImportance

	v.current = widget.NewLabel(lang.L("No action yet."))
	v.current.Wrapping = fyne.TextWrapWord
	v.progress = container.NewVBox()
	v.retry = widgets.NewTipButton(lang.L("Retry failed channels"), v.retryShown, lang.L("Sends the action again, as a new request, to the channels where it failed"))
	v.retry.Disable()

	v.filter = widget.NewEntry()
	v.filter.SetPlaceHolder(lang.L("Filter the audit trail: user, channel, reason, result…"))
	v.filter.OnChanged = func(string) { v.filterChanged() }
	v.audit = newTable(v.auditColumns(), func() int { return len(v.list) }, func(i int) *actions.Action { return &v.list[i] })
	v.audit.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(v.list) {
			v.show(v.list[id.Row])
		}
	}
	v.export = widget.NewButtonWithIcon(lang.L("Export CSV…"), theme.DocumentSaveIcon(), v.exportDialog)

	if !u.CanAct() || svc == nil {
		for _, b := range []*widgets.TipButton{v.pause, v.resume, v.extend, v.retry} {
			b.Disable()
			b.SetTip(lang.L(viewerTip))
		}
	}
	controls := container.NewVBox(
		container.NewBorder(nil, nil, v.picker.Content(), v.who, v.sale),
		container.NewHBox(widget.NewLabel(lang.L("Channels:")), v.chans),
		v.chState,
		container.NewHBox(v.pause, v.resume, widget.NewSeparator(), v.extend, v.extendBy),
	)
	progress := container.NewBorder(container.NewVBox(widget.NewLabelWithStyle(lang.L("Last action"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), v.current), v.retry, nil, nil, container.NewVScroll(v.progress))
	top := container.NewHSplit(widget.NewCard("", "", controls), widget.NewCard("", "", progress))
	top.Offset = 0.55
	auditPane := container.NewBorder(container.NewBorder(nil, nil, widget.NewLabelWithStyle(lang.L("Audit trail"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), v.export, v.filter), nil, nil, nil, v.audit.box)
	split := container.NewVSplit(top, auditPane)
	split.Offset = 0.6
	v.root = split
	return v
}

// auditColumns are the audit trail's columns: the result coloured by how
// it went.
func (v *ActionsView) auditColumns() []column[*actions.Action] {
	return []column[*actions.Action]{
		{Title: lang.L("When"), Width: 78, Text: func(a *actions.Action) string { return a.CreatedAt.In(v.loc).Format("15:04:05") }},
		{Title: lang.L("Who"), Width: 70, Text: func(a *actions.Action) string { return a.User }},
		{Title: lang.L("Action"), Width: 330, Text: summaryOf},
		{Title: lang.L("Result"), Width: 210, Text: resultWords, Importance: func(a *actions.Action) widget.Importance { return resultImportance(a.Status()) }},
		{Title: lang.L("Reason"), Width: 300, Text: func(a *actions.Action) string { return a.Reason }},
	}
}

// resultWords sums up an action's per-channel results: "2 applied, 1 manual".
func resultWords(a *actions.Action) string {
	order := []actions.Result{actions.Applied, actions.Failed, actions.Unknown, actions.Manual, actions.Pending}
	n := map[actions.Result]int{}
	for _, r := range a.Results {
		n[r.Result]++
	}
	var parts []string
	for _, r := range order {
		if n[r] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[r], lang.L(string(r))))
		}
	}
	return strings.Join(parts, ", ")
}

// Content is the tab's content.
func (v *ActionsView) Content() fyne.CanvasObject { return v.root }

// Apply follows the sale chosen in a snapshot (its only one, or the one
// the picker names): its channels and whether flashdeck has each paused,
// and its end. Call on the UI goroutine.
func (v *ActionsView) Apply(s *engine.Snapshot) {
	if s == nil || len(s.Sales) == 0 {
		return
	}
	v.last = s
	for _, sl := range s.Sales {
		v.saleNames[sl.ID] = sl.Name
	}
	v.applying = true
	v.picker.apply(s)
	v.applying = false
	sl, _ := v.picker.sale(s)
	v.loc = saleLocation(sl)
	v.saleID = sl.ID
	ends := fmt.Sprintf(lang.L("ends %s"), format.Weekday(sl.End, v.loc))
	if !v.picker.Multi() {
		ends = sl.Name + " · " + ends // no picker to name it
	}
	v.sale.SetText(ends)
	var ids, opts []string
	var states []string
	for _, c := range sl.Channels {
		ch, _ := s.Channel(c.Channel)
		if ch.State == engine.StateDisabled {
			continue
		}
		v.names[c.Channel] = ch.Name
		ids = append(ids, c.Channel)
		opts = append(opts, ch.Name)
		st := lang.L("selling")
		if c.Paused {
			st = lang.L("paused by flashdeck")
		}
		if !ch.Capabilities.Pause {
			st += lang.L(" (manual steps: no API)")
		}
		states = append(states, fmt.Sprintf(lang.L("%s: %s, ends %s"), ch.Name, st, c.End.In(v.loc).Format("15:04")))
	}
	if v.chans.Options == nil || strings.Join(opts, "\x00") != strings.Join(v.chans.Options, "\x00") {
		v.ids = ids
		v.chans.Options = opts
		v.chans.Selected = append([]string(nil), opts...) // all, by default
		v.chans.Refresh()
	}
	v.chState.SetText(strings.Join(states, " · "))
}

// request builds the action the buttons ask for, on the channels ticked.
func (v *ActionsView) request(k actions.Kind) actions.Request {
	req := actions.Request{Kind: k, Sale: v.saleID, IdempotencyKey: newKey()}
	for i, name := range v.chans.Options {
		for _, sel := range v.chans.Selected {
			if sel == name {
				req.Channels = append(req.Channels, v.ids[i])
			}
		}
	}
	if k == actions.Extend {
		for _, c := range extendChoices {
			if lang.L(c.label) == v.extendBy.Selected {
				req.By = c.by
			}
		}
	}
	return req
}

// newKey is a fresh idempotency key: one per intended action, made when
// the confirmation opens, so a second click on OK cannot act twice.
func newKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return "desk-" + hex.EncodeToString(b[:])
}

// ask plans an action and asks for confirmation and a reason; then it
// carries it out off the UI goroutine and shows the per-channel progress.
func (v *ActionsView) ask(k actions.Kind) {
	req := v.request(k)
	if len(req.Channels) == 0 {
		v.onError(fmt.Errorf("tick at least one channel to %s", k))
		return
	}
	v.askRequest(req, "")
}

// askRequest confirms and submits any request (the Flagged view's cancel
// and review too).
func (v *ActionsView) askRequest(req actions.Request, reason string) {
	if v.svc == nil || !v.user.CanAct() {
		v.onError(actions.ErrForbidden)
		return
	}
	if req.IdempotencyKey == "" {
		req.IdempotencyKey = newKey()
	}
	req.Reason = "planning" // a reason is required to plan; the real one comes from the dialog
	// Planning reads the sale (through a collector's API, remotely): never
	// on the UI goroutine.
	svc := v.svc
	v.goRun(func() {
		plan, err := svc.Plan(req)
		fyne.Do(func() {
			if err != nil {
				v.onError(err)
				return
			}
			v.confirmPlan(req, plan, reason)
		})
	})
}

// confirmPlan asks for the confirmation of a planned action, then sends it.
func (v *ActionsView) confirmPlan(req actions.Request, plan actions.Action, reason string) {
	v.confirm(plan, reason, func(reason string) {
		req.Reason = reason
		v.current.SetText(summaryOf(&plan) + lang.L(" — sending…"))
		v.sending, v.shown = req.IdempotencyKey, ""
		v.background(func() (actions.Action, error) {
			a, err := v.svc.Submit(context.Background(), v.user, req)
			if err != nil {
				err = fmt.Errorf("%s — not done: %w", plan.Summary, err)
			}
			return a, err
		})
	})
}

// background runs a call to sale control off the UI goroutine, then shows
// the action it returns, or its error.
func (v *ActionsView) background(call func() (actions.Action, error)) {
	v.goRun(func() {
		a, err := call()
		fyne.Do(func() {
			if err != nil {
				v.current.SetText(err.Error())
				v.onError(err)
				return
			}
			v.show(a)
			v.Reload()
		})
	})
}

// confirmDialog is the confirmation: the exact effect per channel, and a
// reason without which OK stays disabled.
func (v *ActionsView) confirmDialog(plan actions.Action, reason string, ok func(string)) {
	if v.window == nil {
		return
	}
	lines := []fyne.CanvasObject{widget.NewLabelWithStyle(summaryOf(&plan), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})}
	for _, r := range plan.Results {
		l := widget.NewLabel("• " + i18n.Text(r.EffectText, r.Effect))
		l.Wrapping = fyne.TextWrapWord
		lines = append(lines, l)
	}
	entry := widget.NewMultiLineEntry()
	entry.SetPlaceHolder(lang.L("Why? (required, kept in the audit trail)"))
	entry.SetText(reason)
	entry.SetMinRowsVisible(2)
	lines = append(lines, widget.NewLabel(lang.L("Reason")), entry)
	title := fmt.Sprintf(lang.L("Confirm: %s"), lang.L(string(plan.Kind)))
	if n := v.saleNames[plan.Sale]; n != "" {
		// Which sale, in the title too: with several sales, a pause of the
		// wrong one is the mistake to catch here.
		title += " — " + n
	}
	d := dialog.NewCustomConfirm(title, lang.L("Do it"), lang.L("Cancel"), container.NewVBox(lines...), func(yes bool) {
		if yes {
			ok(strings.TrimSpace(entry.Text))
		}
	}, v.window)
	d.Resize(fyne.NewSize(620, 0))
	d.SetConfirmImportance(widget.DangerImportance)
	// No reason, no action: OK is enabled only with one.
	check := func(s string) {
		if strings.TrimSpace(s) == "" {
			d.SetConfirmText(lang.L("Give a reason first"))
		} else {
			d.SetConfirmText(lang.L("Do it"))
		}
	}
	entry.OnChanged = check
	check(reason)
	inner := ok
	ok = func(r string) {
		if r == "" {
			v.onError(fmt.Errorf("a reason is required"))
			return
		}
		inner(r)
	}
	d.Show()
	v.window.Canvas().Focus(entry)
}

// show puts an action's per-channel results in the progress pane.
func (v *ActionsView) show(a actions.Action) {
	v.shown = a.ID
	head := summaryOf(&a) + " — " + lang.L(statusWords[a.Status()])
	if a.Replayed {
		head += lang.L(" (already done: the same request was made before)")
	}
	v.current.SetText(head)
	v.progress.RemoveAll()
	failed := false
	for _, r := range a.Results {
		badge := widget.NewLabelWithStyle(strings.ToUpper(lang.L(string(r.Result))), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		badge.Importance = resultImportance(r.Result)
		msg := i18n.Text(r.EffectText, r.Effect)
		if r.Message != "" {
			msg += "\n" + i18n.Text(r.MessageText, r.Message)
		}
		text := widget.NewLabel(msg)
		text.Wrapping = fyne.TextWrapWord
		row := container.NewBorder(nil, nil, badge, nil, text)
		if r.Result == actions.Manual && r.ConfirmedBy == "" && v.user.CanAct() && v.svc != nil {
			id, ch := a.ID, r.Channel
			done := widget.NewButtonWithIcon(lang.L("Done by hand"), theme.ConfirmIcon(), func() { v.confirmManual(id, ch) })
			row = container.NewBorder(nil, nil, badge, container.NewVBox(done), text)
		}
		v.progress.Add(row)
		failed = failed || r.Result == actions.Failed
	}
	if failed && v.user.CanAct() && v.svc != nil {
		v.retry.Enable()
	} else {
		v.retry.Disable()
	}
}

// statusWords says where an action stands, for the progress pane.
var statusWords = map[actions.Result]string{
	actions.Pending: key("in progress…"),
	actions.Applied: key("done"),
	actions.Failed:  key("failed on some channels (see why below; Retry sends it again there)"),
	actions.Unknown: key("result unknown: flashdeck is reading the channel back"),
	actions.Manual:  key("waiting for a manual step"),
}

func resultImportance(r actions.Result) widget.Importance {
	switch r {
	case actions.Applied:
		return widget.SuccessImportance
	case actions.Failed:
		return widget.DangerImportance
	case actions.Unknown, actions.Pending:
		return widget.WarningImportance
	}
	return widget.HighImportance
}

func (v *ActionsView) retryShown() {
	id := v.shown
	if id == "" {
		return
	}
	v.retry.Disable()
	v.background(func() (actions.Action, error) { return v.svc.Retry(context.Background(), v.user, id) })
}

// confirmManual records a manual step off the UI goroutine: for an
// extension the engine recounts the channel's orders.
func (v *ActionsView) confirmManual(id, channel string) {
	v.background(func() (actions.Action, error) { return v.svc.ConfirmManual(v.user, id, channel) })
}

// filterChanged reads the audit trail again once typing in the filter
// pauses, not at every keystroke. Call on the UI goroutine.
func (v *ActionsView) filterChanged() {
	if v.filterWait <= 0 {
		v.Reload()
		return
	}
	if v.filterTimer != nil {
		v.filterTimer.Stop()
	}
	v.filterTimer = time.AfterFunc(v.filterWait, func() { fyne.Do(v.Reload) })
}

// Reload reads the audit trail again, filtered, off the UI goroutine (it
// scans the database), and shows it when read. One read at a time: a
// reload asked for meanwhile runs when it ends, with the filter as it is
// then, and the older result is dropped. Call on the UI goroutine.
func (v *ActionsView) Reload() {
	if v.svc == nil {
		return
	}
	if v.querying {
		v.requery = true
		return
	}
	v.querying = true
	f := actions.Filter{Text: v.filter.Text, Limit: 500}
	v.goRun(func() {
		list, err := v.svc.List(f)
		fyne.Do(func() {
			v.querying = false
			if v.requery {
				v.requery = false
				v.Reload()
				return
			}
			v.showList(list, err)
		})
	})
}

// showList shows the audit rows read. Call on the UI goroutine.
func (v *ActionsView) showList(list []actions.Action, err error) {
	if err != nil {
		v.onError(err)
		return
	}
	v.list = list
	v.audit.Refresh()
	for _, a := range list {
		if a.ID == v.shown || v.shown == "" && v.sending != "" && a.Key == v.sending {
			v.show(a)
		}
	}
}

// Rows returns the audit rows shown (tests).
func (v *ActionsView) Rows() []actions.Action { return v.list }

// exportDialog saves the audit rows shown as CSV.
func (v *ActionsView) exportDialog() {
	if v.window == nil {
		return
	}
	list := v.list
	saveFile(v.window, "flashdeck-audit", ".csv", func(w io.Writer) error { return actions.WriteCSV(w, list) })
}

// summaryOf is an action's summary in the desktop's language.
func summaryOf(a *actions.Action) string { return i18n.Text(a.SummaryText, a.Summary) }
