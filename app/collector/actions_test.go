package collector_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/internal/testwait"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/collector"
	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/demo"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/datasources/simulator"
)

var (
	ayu  = actions.User{Name: "ayu", Role: config.RoleOperator}
	wall = actions.User{Name: "wall", Role: config.RoleViewer}
)

const sale = "poco-m3-launch"

// startActions starts the demo with short action timeouts.
func startActions(t *testing.T, sc *simulator.Scenario) (*demo.Sim, *simulator.Clock, *collector.Collector) {
	t.Helper()
	clock := simulator.NewManualClock(t0.Add(5 * time.Minute))
	if sc == nil {
		s := simulator.DemoScenario(t0, 0, 42)
		sc = &s
	}
	sim, err := demo.Start(demo.Options{Clock: clock, Scenario: sc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	for i := range sim.Config.Channels {
		ch := &sim.Config.Channels[i]
		ch.PollInterval, ch.StockInterval, ch.MaxCallsPerSecond = 1e9, 1e9, 200
		ch.Timeout = 1e9 // one second: a held answer times out quickly
	}
	sim.Config.StateDir = t.TempDir()
	c, err := collector.Start(collector.Options{
		Config: sim.Config, Lookup: sim.Lookup(), Now: clock.Now,
		ActionTimeout: 10 * time.Second, ReconcileEvery: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	converge(t, c, sim)
	return sim, clock, c
}

func submit(t *testing.T, c *collector.Collector, req actions.Request) actions.Action {
	t.Helper()
	if req.IdempotencyKey == "" {
		req.IdempotencyKey = fmt.Sprintf("test-%d", time.Now().UnixNano())
	}
	if req.Reason == "" {
		req.Reason = "test: " + string(req.Kind)
	}
	if req.Sale == "" {
		req.Sale = sale
	}
	a, err := c.Actions.Submit(context.Background(), ayu, req)
	if err != nil {
		t.Fatalf("%s: %v", req.Kind, err)
	}
	return a
}

func results(a actions.Action) string {
	var parts []string
	for _, r := range a.Results {
		parts = append(parts, r.Channel+"="+string(r.Result))
	}
	return strings.Join(parts, " ")
}

func saleChannel(s *engine.Snapshot, id string) engine.SaleChannelSnap {
	for _, c := range s.Sales[0].Channels {
		if c.Channel == id {
			return c
		}
	}
	return engine.SaleChannelSnap{}
}

func sellable(sim *demo.Sim, ch string) map[string]int {
	out := map[string]int{}
	for _, v := range sim.Server.Book(ch).Stock() {
		out[v.SKU] = v.Sellable
	}
	return out
}

func TestPauseStopsSellingAndResumeRestoresStock(t *testing.T) {
	sim, clock, c := startActions(t, nil)
	before := sellable(sim, "lazada-id")
	a := submit(t, c, actions.Request{Kind: actions.Pause})
	if got, want := results(a), "lazada-id=applied akulaku-id=manual micom-id=applied"; got != want {
		t.Fatalf("pause results %q, want %q", got, want)
	}
	if !strings.Contains(a.Summary, "Pause POCO M3 flash sale on Lazada ID and mi.com ID") || !strings.Contains(a.Summary, "Akulaku ID: manual step") {
		t.Errorf("summary %q", a.Summary)
	}
	if r, _ := a.Result("akulaku-id"); !strings.Contains(r.Message, "seller centre") {
		t.Errorf("manual step %q does not say where", r.Message)
	}
	s0 := converge(t, c, sim)
	clock.Advance(3 * time.Minute)
	s1 := converge(t, c, sim)
	for _, ch := range []string{"lazada-id", "micom-id"} {
		// Buyers' own cancellations may still lower it; nothing new sells.
		if a, b := channelSold(s0, ch), channelSold(s1, ch); b > a {
			t.Errorf("%s sold %d → %d while paused", ch, a, b)
		}
		if !saleChannel(s1, ch).Paused {
			t.Errorf("%s not shown paused", ch)
		}
	}
	if a, b := channelSold(s0, "akulaku-id"), channelSold(s1, "akulaku-id"); b <= a {
		t.Errorf("akulaku (manual, not confirmed) stopped selling: %d → %d", a, b)
	}

	r := submit(t, c, actions.Request{Kind: actions.Resume, Channels: []string{"lazada-id", "micom-id"}})
	if got, want := results(r), "lazada-id=applied micom-id=applied"; got != want {
		t.Fatalf("resume results %q, want %q", got, want)
	}
	if after := sellable(sim, "lazada-id"); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("resume restored %v, want exactly %v", after, before)
	}
	clock.Advance(2 * time.Minute)
	s2 := converge(t, c, sim)
	if a, b := channelSold(s1, "lazada-id"), channelSold(s2, "lazada-id"); b <= a {
		t.Errorf("lazada did not sell again after resume: %d → %d", a, b)
	}
	if saleChannel(s2, "lazada-id").Paused {
		t.Error("lazada still shown paused after resume")
	}
}

func TestRepeatedKeyNeverReachesTheChannelTwice(t *testing.T) {
	sim, _, c := startActions(t, nil)
	req := actions.Request{Kind: actions.Pause, Sale: sale, Channels: []string{"micom-id", "lazada-id"}, IdempotencyKey: "k-1", Reason: "bots"}
	first := submit(t, c, req)
	again := submit(t, c, req)
	if !again.Replayed || again.ID != first.ID {
		t.Fatalf("second submit: replayed=%v id %s, first %s", again.Replayed, again.ID, first.ID)
	}
	for _, ch := range []string{"micom-id", "lazada-id"} {
		if n := sim.Server.Book(ch).ActionCount(simulator.OpPause); n != 1 {
			t.Errorf("%s received %d pauses, want 1", ch, n)
		}
	}
	req.Reason = "something else"
	if _, err := c.Actions.Submit(context.Background(), ayu, req); !errors.Is(err, actions.ErrKeyReused) {
		t.Errorf("same key, other request: %v, want ErrKeyReused", err)
	}
}

func TestTimeoutIsSettledByReadBackNotByResending(t *testing.T) {
	sim, _, c := startActions(t, nil)
	sim.Server.Book("micom-id").SetActionFault(simulator.OpPause, simulator.ActionFault{Mode: "timeout", Delay: 5 * time.Second})
	a := submit(t, c, actions.Request{Kind: actions.Pause, Channels: []string{"micom-id"}})
	r, _ := a.Result("micom-id")
	if r.Result != actions.Applied || !strings.Contains(r.Message, "read back") {
		t.Fatalf("micom after a timeout: %s %q, want applied by read-back", r.Result, r.Message)
	}
	if n := sim.Server.Book("micom-id").ActionCount(simulator.OpPause); n != 1 {
		t.Errorf("the channel received %d pauses, want 1", n)
	}
}

func TestFailedChannelIsRetried(t *testing.T) {
	sim, _, c := startActions(t, nil)
	book := sim.Server.Book("micom-id")
	book.SetActionFault(simulator.OpExtend, simulator.ActionFault{Mode: "fail"})
	s := c.Engine.Snapshot()
	end := s.Sales[0].End
	a := submit(t, c, actions.Request{Kind: actions.Extend, By: "1h", Channels: []string{"lazada-id", "micom-id"}})
	if got, want := results(a), "lazada-id=applied micom-id=failed"; got != want {
		t.Fatalf("extend results %q, want %q", got, want)
	}
	if r, _ := a.Result("micom-id"); r.Message == "" {
		t.Error("a failure without the channel's words")
	}
	// The engine counts up to the new end from the moment a request goes
	// out, and goes back on mi.com once its refusal is read back: wait for
	// a snapshot taken after that, not one taken in between.
	s = eventually(t, c, func(s *engine.Snapshot) bool {
		return saleChannel(s, "lazada-id").End.Equal(end.Add(time.Hour)) && saleChannel(s, "micom-id").End.Equal(end)
	})
	if got := saleChannel(s, "micom-id").End; !got.Equal(end) {
		t.Errorf("micom end %v after a refused extension, want %v", got, end)
	}
	if got := saleChannel(s, "lazada-id").End; !got.Equal(end.Add(time.Hour)) {
		t.Errorf("lazada end %v, want %v", got, end.Add(time.Hour))
	}
	if !s.Sales[0].End.Equal(end.Add(time.Hour)) {
		t.Errorf("the sale's countdown end %v, want %v", s.Sales[0].End, end.Add(time.Hour))
	}
	a, err := c.Actions.Retry(context.Background(), ayu, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := results(a), "lazada-id=applied micom-id=applied"; got != want {
		t.Fatalf("after retry %q, want %q", got, want)
	}
	if r, _ := a.Result("micom-id"); r.Attempts != 2 {
		t.Errorf("micom attempts %d, want 2", r.Attempts)
	}
	if n := sim.Server.Book("lazada-id").ActionCount(simulator.OpExtend); n != 1 {
		t.Errorf("lazada received %d extensions, want 1 (retry is for failed channels only)", n)
	}
	if got := book.End(); !got.Equal(end.Add(time.Hour)) {
		t.Errorf("micom's own end %v, want %v", got, end.Add(time.Hour))
	}
}

func TestExtendSellsPastTheOldEnd(t *testing.T) {
	sc := simulator.DemoScenario(t0, 0, 42)
	sc.Sale.End = t0.Add(8 * time.Minute)
	sim, clock, c := startActions(t, &sc)
	submit(t, c, actions.Request{Kind: actions.Extend, Until: t0.Add(20 * time.Minute), Channels: []string{"lazada-id"}})
	clock.Advance(6 * time.Minute) // 11 min: past the old end
	s1 := converge(t, c, sim)
	clock.Advance(4 * time.Minute)
	s2 := converge(t, c, sim)
	if a, b := channelSold(s1, "lazada-id"), channelSold(s2, "lazada-id"); b <= a {
		t.Errorf("lazada did not sell past the old end: %d → %d", a, b)
	}
	if a, b := channelSold(s1, "micom-id"), channelSold(s2, "micom-id"); b > a {
		t.Errorf("micom (not extended) sold past its end: %d → %d", a, b)
	}
	if s2.Sales[0].State != engine.SaleLive {
		t.Errorf("sale state %s after the old end, want live", s2.Sales[0].State)
	}
}

func TestCancelFlaggedOrderAndReview(t *testing.T) {
	sim, clock, c := startActions(t, nil)
	clock.Advance(20 * time.Minute)
	converge(t, c, sim)
	var target, other string
	for _, f := range c.Engine.Flags(sale) {
		if f.Channel == "micom-id" && f.State == "open" {
			if target == "" {
				target = f.OrderID
			} else if other == "" {
				other = f.OrderID
			}
		}
	}
	if other == "" {
		t.Fatal("no two open flags on mi.com")
	}
	before := sim.Server.Truth().Sold["micom-id"]
	a := submit(t, c, actions.Request{Kind: actions.CancelOrder, OrderID: target})
	if got := results(a); got != "micom-id=applied" {
		t.Fatalf("cancel %s", got)
	}
	after := sim.Server.Truth().Sold["micom-id"]
	if fmt.Sprint(before) == fmt.Sprint(after) {
		t.Error("the cancelled order's units are still sold at the channel")
	}
	converge(t, c, sim)
	testwait.Until(t, 10*time.Second, func() string {
		if f := flagOf(c, target); f != "cancelled" {
			return fmt.Sprintf("flag state %q after the cancel, want cancelled", f)
		}
		return ""
	})
	rv := submit(t, c, actions.Request{Kind: actions.ReviewOrder, OrderID: other, Reason: "family, same address"})
	if got := results(rv); got != "micom-id=applied" {
		t.Fatalf("review %s", got)
	}
	if f := flagOf(c, other); f != "reviewed" {
		t.Errorf("flag %s, want reviewed", f)
	}
	list, err := c.Actions.List(actions.Filter{Kind: actions.ReviewOrder})
	if err != nil || len(list) != 1 || list[0].User != "ayu" || list[0].Reason != "family, same address" {
		t.Fatalf("audit of the review: %+v %v", list, err)
	}
}

func flagOf(c *collector.Collector, order string) string {
	for _, f := range c.Engine.Flags(sale) {
		if f.OrderID == order {
			return f.State
		}
	}
	return ""
}

func TestViewerCannotAct(t *testing.T) {
	_, _, c := startActions(t, nil)
	_, err := c.Actions.Submit(context.Background(), wall, actions.Request{Kind: actions.Pause, Sale: sale, Reason: "x", IdempotencyKey: "v"})
	if !errors.Is(err, actions.ErrForbidden) {
		t.Fatalf("viewer: %v, want ErrForbidden", err)
	}
	if list, _ := c.Actions.List(actions.Filter{}); len(list) != 0 {
		t.Errorf("a refused request left %d audit records", len(list))
	}
}

func TestInvalidRequestsNameTheField(t *testing.T) {
	_, _, c := startActions(t, nil)
	cases := []struct {
		req   actions.Request
		field string
	}{
		{actions.Request{Kind: "stop", Sale: sale, Reason: "r", IdempotencyKey: "a"}, "kind"},
		{actions.Request{Kind: actions.Pause, Sale: sale, IdempotencyKey: "a"}, "reason"},
		{actions.Request{Kind: actions.Pause, Sale: sale, Reason: "r"}, "idempotency_key"},
		{actions.Request{Kind: actions.Pause, Sale: "nope", Reason: "r", IdempotencyKey: "a"}, "sale"},
		{actions.Request{Kind: actions.Pause, Sale: sale, Channels: []string{"shopee"}, Reason: "r", IdempotencyKey: "a"}, "channels"},
		{actions.Request{Kind: actions.Extend, Sale: sale, Reason: "r", IdempotencyKey: "a"}, "until"},
		{actions.Request{Kind: actions.Extend, Sale: sale, By: "-1h", Reason: "r", IdempotencyKey: "a"}, "by"},
		{actions.Request{Kind: actions.Extend, Sale: sale, Until: t0, Reason: "r", IdempotencyKey: "a"}, "until"},
		{actions.Request{Kind: actions.CancelOrder, Sale: sale, Reason: "r", IdempotencyKey: "a"}, "order_id"},
		{actions.Request{Kind: actions.CancelOrder, Sale: sale, OrderID: "1", Reason: "r", IdempotencyKey: "a"}, "order_id"},
		{actions.Request{Kind: actions.Pause, Sale: sale, Reason: "r", IdempotencyKey: "two words"}, "idempotency_key"},
	}
	for _, tc := range cases {
		_, err := c.Actions.Submit(context.Background(), ayu, tc.req)
		var inv *actions.InvalidError
		if !errors.As(err, &inv) || inv.Field != tc.field {
			t.Errorf("%+v: %v, want an invalid %s", tc.req, err, tc.field)
		}
	}
}

func TestManualStepConfirmedIsAudited(t *testing.T) {
	_, _, c := startActions(t, nil)
	a := submit(t, c, actions.Request{Kind: actions.Pause, Channels: []string{"akulaku-id"}})
	if a.Status() != actions.Manual {
		t.Fatalf("status %s, want manual", a.Status())
	}
	if _, err := c.Actions.ConfirmManual(wall, a.ID, "akulaku-id"); !errors.Is(err, actions.ErrForbidden) {
		t.Errorf("viewer confirm: %v", err)
	}
	a, err := c.Actions.ConfirmManual(ayu, a.ID, "akulaku-id")
	if err != nil {
		t.Fatal(err)
	}
	r, _ := a.Result("akulaku-id")
	if r.ConfirmedBy != "ayu" || r.ConfirmedAt.IsZero() || a.Status() != actions.Applied {
		t.Errorf("after confirm: %+v, status %s", r, a.Status())
	}
	eventually(t, c, func(s *engine.Snapshot) bool { return saleChannel(s, "akulaku-id").Paused })
}

// eventually waits for a published snapshot that satisfies ok.
func eventually(t *testing.T, c *collector.Collector, ok func(*engine.Snapshot) bool) *engine.Snapshot {
	t.Helper()
	var s *engine.Snapshot
	testwait.For(t, 15*time.Second, "no snapshot showed the change", func() bool {
		s = c.Engine.Snapshot()
		return ok(s)
	})
	return s
}

func TestRefusedPauseDoesNotRestoreOldStock(t *testing.T) {
	sim, clock, c := startActions(t, nil)
	book := sim.Server.Book("lazada-id")
	var locked string
	for sku := range sellable(sim, "lazada-id") {
		locked = sku
		break
	}
	if err := book.SetLocked(locked, 5); err != nil {
		t.Fatal(err)
	}
	a := submit(t, c, actions.Request{Kind: actions.Pause, Channels: []string{"lazada-id"}})
	if r, _ := a.Result("lazada-id"); r.Result != actions.Failed || !strings.Contains(r.Message, "4170") {
		t.Fatalf("pause of campaign-locked stock: %s %q, want failed with 4170", r.Result, r.Message)
	}
	if err := book.SetLocked(locked, 0); err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * time.Minute) // the sale goes on: the stock moves
	converge(t, c, sim)
	atPause := sellable(sim, "lazada-id")
	if a := submit(t, c, actions.Request{Kind: actions.Pause, Channels: []string{"lazada-id"}}); a.Status() != actions.Applied {
		t.Fatalf("second pause: %s", results(a))
	}
	if a := submit(t, c, actions.Request{Kind: actions.Resume, Channels: []string{"lazada-id"}}); a.Status() != actions.Applied {
		t.Fatalf("resume: %s", results(a))
	}
	if got := sellable(sim, "lazada-id"); fmt.Sprint(got) != fmt.Sprint(atPause) {
		t.Errorf("resume restored %v, want the stock at the pause that happened %v", got, atPause)
	}
}
